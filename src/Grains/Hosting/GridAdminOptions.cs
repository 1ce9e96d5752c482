namespace Grid.Grains.Hosting;

/// <summary>
/// The silo's admin HTTP endpoint (section <c>Grid:Admin</c>): <c>/health/live</c>, <c>/health/ready</c>, Prometheus
/// <c>/metrics</c> and, when enabled, the dashboard. It listens apart from the Orleans silo and gateway ports.
/// </summary>
public sealed class GridAdminOptions
{
    /// <summary>Serve the admin endpoint. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address to listen on. Default <c>0.0.0.0</c> (all IPv4 interfaces, as Kubernetes probes need).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free one (logged). Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> (meters <c>Grid</c> and <c>Microsoft.Orleans</c>). Default true.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>The read-only cluster dashboard (section <c>Grid:Admin:Dashboard</c>); off unless enabled.</summary>
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

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Dashboard, nameof(Dashboard));
        Dashboard.Validate();
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Grid:Admin:Port must be a TCP port (0-65535; 0 picks a free one).");
        }

        if (string.IsNullOrWhiteSpace(Address) || !System.Net.IPAddress.TryParse(Address, out _))
        {
            throw new ArgumentException($"Grid:Admin:Address '{Address}' is not an IP address.", nameof(Address));
        }

        if (Token is { Length: > 0 } && TokenFile is { Length: > 0 })
        {
            throw new ArgumentException("Grid:Admin:Token and Grid:Admin:TokenFile cannot both be set.", nameof(Token));
        }

        if (TokenFile is { Length: > 0 } file && !File.Exists(file))
        {
            throw new ArgumentException($"Grid:Admin:TokenFile: file '{file}' does not exist.", nameof(TokenFile));
        }

        if (EffectiveToken() is { Length: < 16 })
        {
            throw new ArgumentException($"Grid:Admin:{(TokenFile is { Length: > 0 } ? "TokenFile" : "Token")} must hold at least 16 characters.", nameof(Token));
        }
    }
}
