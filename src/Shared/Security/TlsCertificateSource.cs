using System.Security.Cryptography.X509Certificates;

namespace Grid;

/// <summary>
/// The local certificate and the trusted CA certificates of <see cref="GridTlsOptions"/>, loaded from their files and
/// loaded again when a file changes (checked at most every <see cref="GridTlsOptions.ReloadInterval"/>, when a
/// connection asks). A renewed file that fails to load is reported and the previous certificate stays in use.
/// </summary>
internal sealed class TlsCertificateSource
{
    private readonly GridTlsOptions _options;
    private readonly string _section;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _nextCheck;
    private DateTime _loadedStamp;
    private X509Certificate2? _certificate;
    private X509Certificate2Collection _authorities = [];

    /// <summary>Loads the files now; throws <see cref="ArgumentException"/> naming the setting when one cannot be loaded.</summary>
    public TlsCertificateSource(GridTlsOptions options, string section, TimeProvider? time = null)
    {
        _options = options;
        _section = section;
        _time = time ?? TimeProvider.System;
        (_certificate, _authorities) = Load();
        _loadedStamp = Stamp();
        _nextCheck = _time.GetTimestamp() + Ticks(options.ReloadInterval);
    }

    /// <summary>Reports a renewal that failed to load (the previous certificate stays in use).</summary>
    public Action<Exception>? ReloadFailed { get; set; }

    /// <summary>Reports a renewal that was loaded.</summary>
    public Action<X509Certificate2?>? Reloaded { get; set; }

    /// <summary>The local certificate (null when none is configured).</summary>
    public X509Certificate2? Certificate
    {
        get
        {
            Refresh();
            return Volatile.Read(ref _certificate);
        }
    }

    /// <summary>The trusted CA certificates (empty when none is configured).</summary>
    public X509Certificate2Collection TrustedAuthorities
    {
        get
        {
            Refresh();
            return Volatile.Read(ref _authorities);
        }
    }

    private void Refresh()
    {
        long now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck))
        {
            return;
        }

        lock (_gate)
        {
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + Ticks(_options.ReloadInterval);
            var stamp = Stamp();
            if (stamp == _loadedStamp)
            {
                return;
            }

            try
            {
                var (certificate, authorities) = Load();
                Volatile.Write(ref _certificate, certificate);
                Volatile.Write(ref _authorities, authorities);
                _loadedStamp = stamp;
                Reloaded?.Invoke(certificate);
            }
            catch (ArgumentException ex)
            {
                ReloadFailed?.Invoke(ex);
            }
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>The newest write time of the files in use (a Kubernetes secret update replaces them all).</summary>
    private DateTime Stamp()
    {
        var stamp = DateTime.MinValue;
        foreach (var path in new[] { _options.EffectiveCertificatePath, _options.EffectiveKeyPath, _options.EffectiveTrustedCaPath, _options.CertificatePasswordFile })
        {
            if (path is not null && File.Exists(path))
            {
                var written = File.GetLastWriteTimeUtc(path);
                stamp = written > stamp ? written : stamp;
            }
        }

        return stamp;
    }

    private (X509Certificate2? Certificate, X509Certificate2Collection Authorities) Load()
    {
        var authorities = new X509Certificate2Collection();
        if (_options.EffectiveTrustedCaPath is { } caPath)
        {
            try
            {
                authorities.ImportFromPemFile(caPath);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
            {
                throw new ArgumentException($"{_section}:TrustedCaPath: cannot read CA certificates from '{caPath}': {ex.Message}", "TrustedCaPath", ex);
            }

            if (authorities.Count == 0)
            {
                throw new ArgumentException($"{_section}:TrustedCaPath: '{caPath}' holds no PEM certificate.", "TrustedCaPath");
            }
        }

        return (LoadCertificate(), authorities);
    }

    private X509Certificate2? LoadCertificate()
    {
        if (_options.EffectiveCertificatePath is not { } path)
        {
            return null;
        }

        string setting = _options.CertificatePath is { Length: > 0 } ? $"{_section}:CertificatePath" : $"{_section}:CertificateDirectory";
        string? password = _options.CertificatePasswordFile is { Length: > 0 } file
            ? File.ReadAllText(file).TrimEnd('\r', '\n')
            : _options.CertificatePassword;
        try
        {
            X509Certificate2 certificate;
            if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            }
            else
            {
                string keyPath = _options.EffectiveKeyPath ?? path;
                certificate = string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            }

            if (!certificate.HasPrivateKey)
            {
                throw new ArgumentException($"{setting}: the certificate in '{path}' has no private key.", setting);
            }

            return certificate;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            // The exception's message never holds the password.
            throw new ArgumentException($"{setting}: cannot load the certificate from '{path}': {ex.Message}", setting, ex);
        }
    }
}
