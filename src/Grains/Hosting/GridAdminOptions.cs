using System.ComponentModel.DataAnnotations;
using Grid.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Hosting;

/// <summary>
/// The silo's admin HTTP endpoint (section <c>Grid:Admin</c>): <c>/health/live</c>, <c>/health/ready</c>, Prometheus
/// <c>/metrics</c> and, when enabled, the dashboard. It listens apart from the Orleans silo and gateway ports.
/// </summary>
public sealed class GridAdminOptions : IValidatableObject
{
    /// <summary>Serve the admin endpoint. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address to listen on. Default <c>0.0.0.0</c> (all IPv4 interfaces, as Kubernetes probes need).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free one (logged). Default 8080.</summary>
    [SettingRange(0, 65535, Rule = "must be a TCP port (0-65535; 0 picks a free one)")]
    public int Port { get; set; } = 8080;

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> (meters <c>Grid</c> and <c>Microsoft.Orleans</c>). Default true.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>The read-only cluster dashboard (section <c>Grid:Admin:Dashboard</c>); off unless enabled.</summary>
    [ValidateObjectMembers]
    public GridDashboardOptions Dashboard { get; set; } = new();

    /// <summary>
    /// The bearer token every admin route except the health probes requires (<c>Authorization: Bearer ...</c>): the
    /// dashboard, metrics, <c>/admin/info</c>. At least 16 characters. Without a token (and without
    /// <see cref="TokenFile"/>) those routes answer loopback callers only (for example through
    /// <c>kubectl port-forward</c>) and 403 to anyone else. Never logged.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>A file holding <see cref="Token"/> (a mounted secret); read at start-up.</summary>
    public string? TokenFile { get; set; }

    /// <summary>The token in force: the content of <see cref="TokenFile"/>, else <see cref="Token"/>; null when neither is set.</summary>
    public string? EffectiveToken() =>
        TokenFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : Token is { Length: > 0 } token ? token : null;

    /// <summary>The settings, with the token shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Enabled={Enabled}, Address={Address}, Port={Port}, Metrics={Metrics}, Dashboard={Dashboard.Enabled}, Token={(Token is null ? "" : "***")}, TokenFile={TokenFile}";

    /// <summary>Cross-field rules: the address parses, one token source, a token file that exists, a long enough token.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        string section = SettingPath.Of(validationContext);
        if (string.IsNullOrWhiteSpace(Address) || !System.Net.IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult($"{section}:Address '{Address}' is not an IP address.");
        }

        if (Token is { Length: > 0 } && TokenFile is { Length: > 0 })
        {
            yield return new ValidationResult($"{section}:Token and {section}:TokenFile cannot both be set.");
            yield break;
        }

        if (TokenFile is { Length: > 0 } file && !File.Exists(file))
        {
            yield return new ValidationResult($"{section}:TokenFile: file '{file}' does not exist.");
            yield break;
        }

        if (EffectiveToken() is { Length: < 16 })
        {
            yield return new ValidationResult($"{section}:{(TokenFile is { Length: > 0 } ? "TokenFile" : "Token")} must hold at least 16 characters.");
        }
    }
}
