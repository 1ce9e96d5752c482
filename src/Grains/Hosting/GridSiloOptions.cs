using Grid.Partitioning;

namespace Grid.Grains.Hosting;

/// <summary>
/// Settings of a Grid silo, bound from the <c>Grid</c> configuration section (environment: <c>Grid__Name</c>).
/// Unknown keys in that section fail start-up.
/// </summary>
public sealed class GridSiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Grid";

    /// <summary>Fixed number of partitions; identical on every silo and client of a cluster. Default 1024.</summary>
    public int PartitionCount { get; set; } = PartitionHasher.DefaultPartitionCount;

    /// <summary>
    /// The silo's cache memory budget in bytes; past it, least recently used entries are evicted. Default: half of the
    /// memory available to the process (the container limit where there is one).
    /// </summary>
    public long MaxMemoryBytes { get; set; } = DefaultMaxMemoryBytes();

    /// <summary>Request limits (key, value and TTL sizes, tags, keys per call).</summary>
    public GridLimits Limits { get; set; } = new();

    /// <summary>How often the active expiry sweep runs. Default 100 ms.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Entries the sweep checks per partition per pass (at most 4 passes per tick). Default 20.</summary>
    public int ExpirySweepChecksPerPartition { get; set; } = 20;

    /// <summary>Allows diagnostic calls that cost the silo (a forced full GC for benchmarks). Default false.</summary>
    public bool EnableDiagnostics { get; set; }

    /// <summary>Silo side of client near caches.</summary>
    public NearCacheSiloOptions NearCache { get; set; } = new();

    /// <summary>Clustering and network endpoints of the silo process.</summary>
    public GridClusteringOptions Clustering { get; set; } = new();

    /// <summary>The tag index and invalidations.</summary>
    public GridTagOptions Tags { get; set; } = new();
    /// <summary>Failure detection: how fast a dead silo is noticed.</summary>
    public GridMembershipOptions Membership { get; set; } = new();

    /// <summary>Replicas of partitions on other silos.</summary>
    public GridReplicationOptions Replication { get; set; } = new();

    /// <summary>Moving partitions to new silos, and away from silos near their memory budget.</summary>
    public GridBalancingOptions Balancing { get; set; } = new();

    /// <summary>The admin HTTP endpoint (health checks) of the silo process.</summary>
    public GridAdminOptions Admin { get; set; } = new();

    /// <summary>TLS (and optionally mutual TLS) on the gateway and silo-to-silo connections. Off by default.</summary>
    public GridSiloTlsOptions Tls { get; set; } = new();

    /// <summary>Distributed tracing: Grid's spans exported through OTLP, Orleans' activity propagation.</summary>
    public GridTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// How long a graceful stop may take: partitions hand off (migrate with their entries) within it. Also bounds each
    /// partition's deactivation. Keep Kubernetes' <c>terminationGracePeriodSeconds</c> above it. Default 60 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Half of the memory the GC may use (honours container limits).</summary>
    public static long DefaultMaxMemoryBytes() => Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        if (PartitionCount is < 1 or > PartitionHasher.MaxPartitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(PartitionCount), PartitionCount, $"Grid:PartitionCount must be between 1 and {PartitionHasher.MaxPartitionCount}.");
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (MaxMemoryBytes < 1L << 20 || MaxMemoryBytes > available)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMemoryBytes), MaxMemoryBytes, $"Grid:MaxMemoryBytes must be between 1 MiB (1048576) and the memory available to the process ({available}).");
        }

        if (ExpirySweepInterval < TimeSpan.FromMilliseconds(1) || ExpirySweepInterval > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(ExpirySweepInterval), ExpirySweepInterval, "Grid:ExpirySweepInterval must be between 1 ms and 10 minutes.");
        }

        if (ExpirySweepChecksPerPartition is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpirySweepChecksPerPartition), ExpirySweepChecksPerPartition, "Grid:ExpirySweepChecksPerPartition must be between 1 and 100000.");
        }

        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        ArgumentNullException.ThrowIfNull(NearCache, nameof(NearCache));
        NearCache.Validate();
        ArgumentNullException.ThrowIfNull(Clustering, nameof(Clustering));
        Clustering.Validate();
        ArgumentNullException.ThrowIfNull(Tags, nameof(Tags));
        Tags.Validate();
        ArgumentNullException.ThrowIfNull(Membership, nameof(Membership));
        Membership.Validate();
        var detection = Membership.ProbeTimeout * Membership.NumMissedProbesLimit;
        if (NearCache.LeaseDuration >= detection)
        {
            throw new ArgumentOutOfRangeException("NearCache.LeaseDuration", NearCache.LeaseDuration,
                $"Grid:NearCache:LeaseDuration must be shorter than failure detection (Membership:ProbeTimeout × NumMissedProbesLimit = {detection}), or clients could serve a dead silo's values after other silos took over its partitions.");
        }
        ArgumentNullException.ThrowIfNull(Replication, nameof(Replication));
        Replication.Validate();
        ArgumentNullException.ThrowIfNull(Balancing, nameof(Balancing));
        Balancing.Validate();
        ArgumentNullException.ThrowIfNull(Admin, nameof(Admin));
        Admin.Validate();
        ArgumentNullException.ThrowIfNull(Tls, nameof(Tls));
        Tls.Validate(Security.SiloTls.Section, certificateRequired: true);
        ArgumentNullException.ThrowIfNull(Telemetry, nameof(Telemetry));
        Telemetry.Validate();
        if (ShutdownTimeout < TimeSpan.FromSeconds(1) || ShutdownTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "Grid:ShutdownTimeout must be between 1 second and 1 hour.");
        }
    }
}
