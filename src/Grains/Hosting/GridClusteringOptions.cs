namespace Grid.Grains.Hosting;

/// <summary>How a silo finds its cluster and where it listens (section <c>Grid:Clustering</c>).</summary>
public sealed class GridClusteringOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string of the membership store (for example <c>redis:6379,password=...</c>).
    /// Empty: localhost clustering, a single-machine development cluster with no dependency.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>A file holding the Redis password (a mounted secret); it replaces any <c>password=</c> of <see cref="Redis"/>.</summary>
    public string? RedisPasswordFile { get; set; }

    /// <summary>A PEM file of the CA that signed Redis' TLS certificate; setting it turns TLS to Redis on (as <c>ssl=true</c>).</summary>
    public string? RedisTrustedCaPath { get; set; }

    /// <summary>Orleans cluster id; silos and clients of one cluster share it. Default "grid".</summary>
    public string ClusterId { get; set; } = "grid";

    /// <summary>Orleans service id; stable across deployments of the same service. Default "grid".</summary>
    public string ServiceId { get; set; } = "grid";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Localhost clustering only: the silo port of the primary silo, for a second silo on the same machine.
    /// Default: this silo is the primary.
    /// </summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The address other silos and clients reach this silo at (Redis clustering). Default: the first non-loopback IPv4 address, or loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The silo's name in membership and logs (Kubernetes: the pod name). Default: Orleans' own (the host name).</summary>
    public string? SiloName { get; set; }

    /// <summary>The settings, with the Redis password shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Redis={Grid.Security.RedactedRedis.Of(Redis)}, RedisPasswordFile={RedisPasswordFile}, RedisTrustedCaPath={RedisTrustedCaPath}, ClusterId={ClusterId}, ServiceId={ServiceId}, " +
        $"SiloPort={SiloPort}, GatewayPort={GatewayPort}, PrimarySiloPort={PrimarySiloPort}, AdvertisedAddress={AdvertisedAddress}, SiloName={SiloName}";

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new ArgumentException("Grid:Clustering:ClusterId must not be empty.", nameof(ClusterId));
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new ArgumentException("Grid:Clustering:ServiceId must not be empty.", nameof(ServiceId));
        }

        CheckPort(SiloPort, nameof(SiloPort));
        CheckPort(GatewayPort, nameof(GatewayPort));
        if (PrimarySiloPort is { } primary)
        {
            CheckPort(primary, nameof(PrimarySiloPort));
        }

        if (SiloPort == GatewayPort)
        {
            throw new ArgumentException($"Grid:Clustering:SiloPort and GatewayPort must differ (both are {SiloPort}).", nameof(GatewayPort));
        }

        if (!string.IsNullOrWhiteSpace(Redis))
        {
            _ = Grid.Security.RedisConnectionSettings.Parse(Redis, RedisPasswordFile, RedisTrustedCaPath, "Grid:Clustering");
        }

        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            throw new ArgumentException($"Grid:Clustering:AdvertisedAddress '{address}' is not an IP address.", nameof(AdvertisedAddress));
        }
    }

    private static void CheckPort(int port, string name)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(name, port, $"Grid:Clustering:{name} must be a TCP port (1-65535).");
        }
    }
}
