using Grid.Hosting;

namespace Grid;

/// <summary>
/// What silos (<c>Grid:Clustering</c>) and clients (<c>GridClient:Clustering</c>) both need to find one cluster: its
/// ids and, for a cluster whose membership lives in Redis, that Redis. Each side adds its own settings (a silo's ports,
/// a client's gateways).
/// </summary>
public abstract class GridClusteringOptionsBase
{
    /// <summary>
    /// StackExchange.Redis configuration string of the cluster's membership store (for example
    /// <c>redis:6379,password=...</c>). Empty: no Redis (a silo uses localhost clustering, a client its gateways).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>A file holding the Redis password (a mounted secret); it replaces any <c>password=</c> of <see cref="Redis"/>.</summary>
    public string? RedisPasswordFile { get; set; }

    /// <summary>A PEM file of the CA that signed Redis' TLS certificate; setting it turns TLS to Redis on (as <c>ssl=true</c>).</summary>
    public string? RedisTrustedCaPath { get; set; }

    /// <summary>Orleans cluster id; silos and clients of one cluster share it. Default "grid".</summary>
    [SettingRequired]
    public string ClusterId { get; set; } = "grid";

    /// <summary>Orleans service id; stable across deployments of the same service, and the same for its clients. Default "grid".</summary>
    [SettingRequired]
    public string ServiceId { get; set; } = "grid";
}
