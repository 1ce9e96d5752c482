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
    }
}
