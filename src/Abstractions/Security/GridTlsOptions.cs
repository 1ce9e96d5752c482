using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grid.Hosting;

namespace Grid;

/// <summary>
/// TLS of the connections between clients and silos and between silos (section <c>Grid:Tls</c> on a silo,
/// <c>GridClient:Tls</c> on a client). Off by default. The certificate comes from <see cref="CertificatePath"/> (a
/// PFX/PKCS#12 file, or a PEM file with its key in <see cref="KeyPath"/> or in the same file) or from
/// <see cref="CertificateDirectory"/> (a mounted Kubernetes TLS secret: <c>tls.crt</c>, <c>tls.key</c>, optionally
/// <c>ca.crt</c>). Peers are trusted when their certificate chains to <see cref="TrustedCaPath"/> or its thumbprint is
/// one of <see cref="AllowedThumbprints"/>; with neither, the operating system's trust store decides. Host names are
/// not checked (Orleans connects by IP address): the CA or the thumbprints are the identity.
/// </summary>
public class GridTlsOptions : IValidatableObject
{
    /// <summary>Use TLS. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The local certificate: a <c>.pfx</c>/<c>.p12</c> file, or a PEM file (key in <see cref="KeyPath"/> or in the same file).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> when it is in a separate file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PFX file or of an encrypted PEM key. Never logged; prefer <see cref="CertificatePasswordFile"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>A file holding <see cref="CertificatePassword"/> (a mounted secret); its content replaces the setting.</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>
    /// A directory laid out as a Kubernetes TLS secret: <c>tls.crt</c> and <c>tls.key</c> (PEM), and <c>ca.crt</c>, used
    /// as <see cref="TrustedCaPath"/> when that is not set. Used when <see cref="CertificatePath"/> is not set.
    /// </summary>
    public string? CertificateDirectory { get; set; }

    /// <summary>A PEM file of one or more CA certificates; a peer whose certificate chains to one of them is trusted.</summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>Certificate thumbprints (SHA-1 or SHA-256, hex) trusted as they are, in addition to <see cref="TrustedCaPath"/>.</summary>
    public List<string>? AllowedThumbprints { get; set; }

    /// <summary>
    /// How often the certificate and CA files are checked for a renewal. A renewed file is used for new connections
    /// from then on; established connections keep the certificate they started with. Default 1 minute.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a TLS handshake may take. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The certificate file in use: <see cref="CertificatePath"/>, or <c>tls.crt</c> of <see cref="CertificateDirectory"/>.</summary>
    public string? EffectiveCertificatePath =>
        CertificatePath is { Length: > 0 } path ? path
        : CertificateDirectory is { Length: > 0 } dir ? Path.Combine(dir, "tls.crt")
        : null;

    /// <summary>The key file in use: <see cref="KeyPath"/>, or <c>tls.key</c> of <see cref="CertificateDirectory"/>.</summary>
    public string? EffectiveKeyPath =>
        CertificatePath is { Length: > 0 } ? KeyPath
        : CertificateDirectory is { Length: > 0 } dir ? Path.Combine(dir, "tls.key")
        : null;

    /// <summary>The CA file in use: <see cref="TrustedCaPath"/>, or <c>ca.crt</c> of <see cref="CertificateDirectory"/> when it exists.</summary>
    public string? EffectiveTrustedCaPath =>
        TrustedCaPath is { Length: > 0 } path ? path
        : CertificateDirectory is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "ca.crt")) ? Path.Combine(dir, "ca.crt")
        : null;

    /// <summary>Whether a local certificate must be configured when TLS is on (silos: yes; clients: only for mutual TLS).</summary>
    protected internal virtual bool CertificateRequired => false;

    /// <summary>Cross-field rules, checked by the options validators: files exist (loading them is checked when TLS starts), thumbprints parse.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) => ValidateSettings(SettingPath.Of(validationContext));

    /// <summary>The failures of these settings under <paramref name="section"/> (e.g. <c>Grid:Tls</c>), one line each.</summary>
    protected internal virtual IEnumerable<ValidationResult> ValidateSettings(string section)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (CertificatePath is { Length: > 0 } && CertificateDirectory is { Length: > 0 })
        {
            yield return new ValidationResult($"{section}:CertificatePath and {section}:CertificateDirectory cannot both be set.");
        }

        if (EffectiveCertificatePath is null)
        {
            if (CertificateRequired)
            {
                yield return new ValidationResult($"{section}:Enabled is true but no certificate is configured: set {section}:CertificatePath (PFX or PEM) or {section}:CertificateDirectory.");
            }
        }
        else
        {
            if (MissingFile(EffectiveCertificatePath, CertificatePath is { Length: > 0 } ? $"{section}:CertificatePath" : $"{section}:CertificateDirectory (tls.crt)") is { } certificate)
            {
                yield return certificate;
            }

            if (EffectiveKeyPath is { } key && MissingFile(key, CertificatePath is { Length: > 0 } ? $"{section}:KeyPath" : $"{section}:CertificateDirectory (tls.key)") is { } missingKey)
            {
                yield return missingKey;
            }
        }

        if (CertificatePasswordFile is { Length: > 0 } passwordFile && MissingFile(passwordFile, $"{section}:CertificatePasswordFile") is { } password)
        {
            yield return password;
        }

        if (TrustedCaPath is { Length: > 0 } ca && MissingFile(ca, $"{section}:TrustedCaPath") is { } missingCa)
        {
            yield return missingCa;
        }

        foreach (var thumbprint in AllowedThumbprints ?? [])
        {
            string normalized = Grid.Security.Thumbprints.Normalize(thumbprint);
            if (normalized.Length is not (40 or 64) || !normalized.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult($"{section}:AllowedThumbprints: '{thumbprint}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.");
            }
        }

        if (ReloadInterval < TimeSpan.FromSeconds(1) || ReloadInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{section}:ReloadInterval must be between 1 second and 1 day (it is {ReloadInterval})."));
        }

        if (HandshakeTimeout < TimeSpan.FromMilliseconds(100) || HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{section}:HandshakeTimeout must be between 100 ms and 5 minutes (it is {HandshakeTimeout})."));
        }
    }

    /// <summary>The settings without secrets (the password shows as <c>***</c>).</summary>
    public override string ToString() =>
        $"Enabled={Enabled}, CertificatePath={CertificatePath}, KeyPath={KeyPath}, CertificatePassword={(CertificatePassword is null ? "" : "***")}, " +
        $"CertificatePasswordFile={CertificatePasswordFile}, CertificateDirectory={CertificateDirectory}, TrustedCaPath={TrustedCaPath}, " +
        $"AllowedThumbprints={string.Join(' ', AllowedThumbprints ?? [])}, ReloadInterval={ReloadInterval}";

    private static ValidationResult? MissingFile(string path, string setting) =>
        File.Exists(path) ? null : new ValidationResult($"{setting}: file '{path}' does not exist.");
}
