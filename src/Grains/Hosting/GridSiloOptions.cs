using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grid.Hosting;

using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Hosting;

/// <summary>
/// Settings of a Grid silo, bound from the <c>Grid</c> configuration section (environment: <c>Grid__Name</c>).
/// Unknown keys in that section fail start-up.
/// </summary>
public sealed class GridSiloOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Grid";

    /// <summary>Fixed number of partitions; identical on every silo and client of a cluster. Default 1024.</summary>
    [SettingRange(1, PartitionHasher.MaxPartitionCount)]
    public int PartitionCount { get; set; } = PartitionHasher.DefaultPartitionCount;

    /// <summary>
    /// Entry activations that run the silo's data-plane batches (<c>Grid:DataPlaneShards</c>): clients spread their
    /// batches over them by partition, so batches run on that many cores at once. 0 (the default): one per core, but one
    /// on a machine with 2 cores or fewer (see <see cref="EffectiveDataPlaneShards"/>). At most <see cref="GridClusterInfo.MaxDataPlaneShards"/>.
    /// </summary>
    [SettingRange(0, GridClusterInfo.MaxDataPlaneShards)]
    public int DataPlaneShards { get; set; }

    /// <summary>
    /// <see cref="DataPlaneShards"/> with 0 resolved to one per core, but one on 2 cores or fewer: there Orleans'
    /// messaging (socket reads and writes, message serialization) and, on a shared box, the clients already keep both
    /// cores busy, and a second activation only adds thread hand-offs (measured: one shard +20-30 % at 16 and 64 callers).
    /// </summary>
    public int EffectiveDataPlaneShards => DataPlaneShards > 0 ? DataPlaneShards : DefaultDataPlaneShards(Environment.ProcessorCount);

    /// <summary>The data-plane shards a silo with <paramref name="cores"/> cores runs by default.</summary>
    internal static int DefaultDataPlaneShards(int cores) => cores <= 2 ? 1 : Math.Min(cores, GridClusterInfo.MaxDataPlaneShards);

    /// <summary>
    /// The silo's cache memory budget in bytes; past it, least recently used entries are evicted. Default: half of the
    /// memory available to the process (the container limit where there is one).
    /// </summary>
    public long MaxMemoryBytes { get; set; } = DefaultMaxMemoryBytes();

    /// <summary>Request limits (key, value and TTL sizes, tags, keys per call).</summary>
    [ValidateObjectMembers]
    public GridLimits Limits { get; set; } = new();

    /// <summary>How often the active expiry sweep runs. Default 100 ms.</summary>
    [SettingRange("00:00:00.001", "00:10:00", Rule = "must be between 1 ms and 10 minutes")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Entries the sweep checks per partition per pass (at most 4 passes per tick). Default 20.</summary>
    [SettingRange(1, 100_000)]
    public int ExpirySweepChecksPerPartition { get; set; } = 20;

    /// <summary>Allows diagnostic calls that cost the silo (a forced full GC for benchmarks). Default false.</summary>
    public bool EnableDiagnostics { get; set; }

    /// <summary>
    /// Runs socket completions on the socket engine's own threads instead of handing each to the thread pool
    /// (<c>Grid:InlineSocketCompletions</c>, default true), as redis-server's event loop does: the Grid.Silo program sets
    /// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> before its first socket (unless the variable is already
    /// set: an explicit <c>0</c> wins), and the RESP endpoint runs its connections inline
    /// (Kestrel's <c>UnsafePreferInlineScheduling</c>). Measured on 2 cores: RESP at one command per round trip 30-40 %
    /// faster, the .NET data path level or faster (README: Redis protocol). A silo hosted in a process of your own reads
    /// the variable from that process's environment: set it there.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    /// <summary>Silo side of client near caches.</summary>
    [ValidateObjectMembers]
    public NearCacheSiloOptions NearCache { get; set; } = new();

    /// <summary>Clustering and network endpoints of the silo process.</summary>
    [ValidateObjectMembers]
    public GridClusteringOptions Clustering { get; set; } = new();

    /// <summary>The tag index and invalidations.</summary>
    [ValidateObjectMembers]
    public GridTagOptions Tags { get; set; } = new();

    /// <summary>The hot-key tracker: approximate top keys by reads and writes (README: Hot keys).</summary>
    [ValidateObjectMembers]
    public GridHotKeyOptions HotKeys { get; set; } = new();

    /// <summary>Failure detection: how fast a dead silo is noticed.</summary>
    [ValidateObjectMembers]
    public GridMembershipOptions Membership { get; set; } = new();

    /// <summary>Replicas of partitions on other silos.</summary>
    [ValidateObjectMembers]
    public GridReplicationOptions Replication { get; set; } = new();

    /// <summary>Moving partitions to new silos, and away from silos near their memory budget.</summary>
    [ValidateObjectMembers]
    public GridBalancingOptions Balancing { get; set; } = new();

    /// <summary>The admin HTTP endpoint (health checks) of the silo process.</summary>
    [ValidateObjectMembers]
    public GridAdminOptions Admin { get; set; } = new();

    /// <summary>The Redis protocol (RESP) endpoint of the silo process; off by default (README: Redis protocol).</summary>
    [ValidateObjectMembers]
    public GridRespOptions Resp { get; set; } = new();

    /// <summary>TLS (and optionally mutual TLS) on the gateway and silo-to-silo connections. Off by default.</summary>
    [ValidateObjectMembers]
    public GridSiloTlsOptions Tls { get; set; } = new();

    /// <summary>Snapshots of the partitions on disk, loaded when a silo starts again (warm restart). Off by default.</summary>
    [ValidateObjectMembers]
    public GridPersistenceOptions Persistence { get; set; } = new();

    /// <summary>Distributed tracing: Grid's spans exported through OTLP, Orleans' activity propagation.</summary>
    [ValidateObjectMembers]
    public GridTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// How long a graceful stop may take: partitions hand off (migrate with their entries) within it. Also bounds each
    /// partition's deactivation. Keep Kubernetes' <c>terminationGracePeriodSeconds</c> above it. Default 60 s.
    /// </summary>
    [SettingRange("00:00:01", "01:00:00", Rule = "must be between 1 second and 1 hour")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Half of the memory the GC may use (honours container limits).</summary>
    public static long DefaultMaxMemoryBytes() => Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>Cross-field rules: a memory budget the process has, near-cache leases shorter than failure detection.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (MaxMemoryBytes < 1L << 20 || MaxMemoryBytes > available)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"{SettingPath.Of(validationContext, nameof(MaxMemoryBytes))} must be between 1 MiB (1048576) and the memory available to the process ({available}) (it is {MaxMemoryBytes})."));
        }

        if (NearCache is not null && Membership is not null && NearCache.LeaseDuration >= Membership.Detection)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"{SettingPath.Of(validationContext, "NearCache:LeaseDuration")} must be shorter than failure detection (Membership:ProbeTimeout × NumMissedProbesLimit = {Membership.Detection}), or clients could serve a dead silo's values after other silos took over its partitions (it is {NearCache.LeaseDuration})."));
        }
    }
}
