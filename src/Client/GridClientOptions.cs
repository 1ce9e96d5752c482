using System.ComponentModel.DataAnnotations;
using Grid.Hosting;
using Grid.Partitioning;
using Microsoft.Extensions.Options;

namespace Grid.Client;

/// <summary>
/// Settings of a Grid client, bound from configuration section <c>GridClient</c> (unknown keys fail start-up) and
/// checked by <c>GridClientOptionsValidator</c> when the host starts; <c>Configure&lt;GridClientOptions&gt;</c> applies.
/// </summary>
public sealed class GridClientOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "GridClient";

    /// <summary>The cluster's partition count; a client whose count differs from the cluster's is refused at connect. Default 1024.</summary>
    [SettingRange(1, PartitionHasher.MaxPartitionCount)]
    public int PartitionCount { get; set; } = PartitionHasher.DefaultPartitionCount;

    /// <summary>How to find the cluster.</summary>
    [ValidateObjectMembers]
    public GridClientClusteringOptions Clustering { get; set; } = new();

    /// <summary>
    /// Coalesce concurrent single operations into one call per silo (natural batching, no timers). Default true.
    /// False sends one partition grain call per operation (slower; kept for comparison and diagnosis).
    /// </summary>
    public bool Batching { get; set; } = true;

    /// <summary>
    /// Read keys the silos mark hot from the silo holding their partition's replica (<c>GridClient:ReadHotKeysFromReplicas</c>),
    /// spreading a hot key's reads over two silos. Opt-in. A string read this way may be older than one the primary
    /// would answer, but never older than the last write the grid acknowledged in sync replication (the default: a
    /// write is acknowledged once its replica holds it); with asynchronous replication, by up to the replication lag.
    /// Sliding entries and misses are read from the primary (the replica sends them on). Needs <see cref="Batching"/>.
    /// Default false.
    /// </summary>
    public bool ReadHotKeysFromReplicas { get; set; }

    /// <summary>Most operations in one batch call. Default 256.</summary>
    [SettingRange(1, 65_536)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Batch calls in flight per silo before new operations queue for the next batch. Default 2.</summary>
    [SettingRange(1, 1024)]
    public int MaxBatchesInFlight { get; set; } = 2;

    /// <summary>
    /// How often the client re-reads cluster membership to route partitions (it also does after any failed call). Default
    /// 1 s: a silo that dies is noticed within this after membership declares it dead.
    /// </summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan RoutingRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the first connection is retried (with exponential backoff) before start-up fails. Default 30 s.</summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every operation's deadline: it ends with its result, or with a <see cref="GridTimeoutException"/> once this has
    /// passed, whatever happens to silos meanwhile (failed attempts are sent again within it where that is safe). Default
    /// 10 s, longer than the cluster's failure detection, so a silo that dies costs callers a delay, not an error. A call
    /// can shorten it with its <see cref="CancellationToken"/> or its options' <c>Timeout</c>.
    /// </summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one batch call to a silo may be out before the client stops waiting for it and sends its operations again
    /// (reads, and writes, which silos deduplicate by request id, so nothing runs twice). Bounds each of the
    /// <see cref="MaxBatchesInFlight"/> slots, so one lost call cannot hold every key of a silo. Default 2 s.
    /// </summary>
    [SettingRange("00:00:00.0000001", "1.00:00:00", Rule = "must be positive and at most one day")]
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When callers block on grid tasks from thread-pool threads (sync-over-async) and starve the pool, raise the pool's
    /// minimum worker threads so their operations can complete instead of waiting for the pool's slow thread injection
    /// (a warning is logged each time). Default true; turn it off if the application manages the thread pool itself.
    /// </summary>
    public bool ThreadPoolStarvationGuard { get; set; } = true;

    /// <summary>
    /// Also turn on Orleans' own activity propagation on the client (its spans around every grain call, source
    /// <c>Microsoft.Orleans.Application</c>). Default false: Grid's spans (source <see cref="GridTracing.SourceName"/>)
    /// carry their trace context to the silos themselves.
    /// </summary>
    public bool OrleansActivityPropagation { get; set; }

    /// <summary>The batch timeout in use: <see cref="BatchTimeout"/>, at most <see cref="OperationTimeout"/>.</summary>
    internal TimeSpan EffectiveBatchTimeout => BatchTimeout < OperationTimeout ? BatchTimeout : OperationTimeout;

    /// <summary>Bound of one membership read for routing (a frozen silo must not stall the refresh).</summary>
    internal TimeSpan RoutingRefreshTimeout => OperationTimeout < TimeSpan.FromSeconds(2) ? OperationTimeout : TimeSpan.FromSeconds(2);

    /// <summary>The local near cache (L1) in front of the grid; on by default (it needs <see cref="Batching"/>).</summary>
    [ValidateObjectMembers]
    public NearCacheOptions NearCache { get; set; } = new();

    /// <summary>Limits checked before the cluster's own limits are known (they replace these at connect).</summary>
    [ValidateObjectMembers]
    public GridLimits Limits { get; set; } = new();

    /// <summary>
    /// TLS to the gateways (section <c>GridClient:Tls</c>); needed when the silos use TLS. A certificate
    /// (<see cref="GridTlsOptions.CertificatePath"/>) is needed when the silos require mutual TLS. Off by default.
    /// </summary>
    [ValidateObjectMembers]
    public GridTlsOptions Tls { get; set; } = new();
}

/// <summary>How a client finds its cluster (section <c>GridClient:Clustering</c>).</summary>
public sealed class GridClientClusteringOptions : GridClusteringOptionsBase, IValidatableObject
{
    /// <summary>Gateway endpoints (<c>host:port</c>) when there is no Redis membership. Default <c>127.0.0.1:30000</c>, the embedded silo.</summary>
    public List<string>? Gateways { get; set; }

    /// <summary>The gateways to use: <see cref="Gateways"/>, or the local default.</summary>
    public IReadOnlyList<string> EffectiveGateways => Gateways is { Count: > 0 } list ? list : ["127.0.0.1:30000"];

    /// <summary>The settings, with the Redis password shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Redis={Grid.Security.RedactedRedis.Of(Redis)}, RedisPasswordFile={RedisPasswordFile}, RedisTrustedCaPath={RedisTrustedCaPath}, " +
        $"Gateways={string.Join(' ', EffectiveGateways)}, ClusterId={ClusterId}, ServiceId={ServiceId}";

    /// <summary>Cross-field rules: the Redis string parses (with its password and CA files), or every gateway is <c>host:port</c>.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        string section = SettingPath.Of(validationContext);
        if (!string.IsNullOrWhiteSpace(Redis))
        {
            if (Failure(() => Grid.Security.RedisConnectionSettings.Parse(Redis, RedisPasswordFile, RedisTrustedCaPath, section), "") is { } redis)
            {
                yield return redis;
            }

            yield break;
        }

        foreach (string gateway in EffectiveGateways)
        {
            // The parser names the gateway address it refuses (the grid tool shows it for its --gateway flag as it is).
            if (Failure(() => GatewayEndpoint.Parse(gateway), "") is { } bad)
            {
                yield return bad;
            }
        }
    }

    /// <summary>The one-line failure of a parse that throws an <see cref="ArgumentException"/> naming what is wrong.</summary>
    private static ValidationResult? Failure(Action parse, string prefix)
    {
        try
        {
            parse();
            return null;
        }
        catch (ArgumentException ex)
        {
            return new ValidationResult(prefix + StrictBinding.WithoutParameter(ex));
        }
    }
}
