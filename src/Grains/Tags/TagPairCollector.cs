using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Tags;

/// <summary>
/// Answers index shards that rebuild their sets (see <see cref="TagIndexGrain"/>): the tag/key pairs of one shard held
/// by this silo's partitions. Requests are coalesced: while a walk runs, the requests that arrive wait for the next one,
/// which answers all of them, so shards reactivating together after a crash cost this silo back-to-back walks for about
/// as long as their activations take to arrive (measured: 4 to 30 walks for 512 shards), not one walk per shard. A walk starts only after every request it answers arrived, which is what a rebuilding
/// shard relies on (see <see cref="TagIndexRebuild"/>).
/// </summary>
internal sealed partial class TagPairCollector
{
    private readonly PartitionStoreRegistry _primaries;
    private readonly ReplicaRegistry _replicas;
    private readonly ILogger _logger;
    private readonly TaskScheduler _scheduler;
    private readonly GridTagOptions _tags;
    private readonly int _partitionCount;
    private readonly Lock _gate = new();
    private TagPairPass? _next;
    private bool _running;
    private long _passes;

    public TagPairCollector(PartitionStoreRegistry primaries, ReplicaRegistry replicas, IOptions<GridSiloOptions> options, ILogger<TagPairCollector> logger)
        : this(primaries, replicas, options, logger, TaskScheduler.Default)
    {
    }

    /// <summary>Walks run on <paramref name="scheduler"/> (the thread pool in a silo; tests run them by hand).</summary>
    internal TagPairCollector(PartitionStoreRegistry primaries, ReplicaRegistry replicas, IOptions<GridSiloOptions> options, ILogger<TagPairCollector> logger, TaskScheduler scheduler)
    {
        _primaries = primaries;
        _replicas = replicas;
        _logger = logger;
        _scheduler = scheduler;
        _tags = options.Value.Tags;
        _partitionCount = options.Value.PartitionCount;
    }

    /// <summary>Walks run since the silo started.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>
    /// The pairs of index shard <c>{bucket}#{shard}</c> in every live primary here (<paramref name="partitions"/> null), or
    /// in the given partitions, from the primary when it is live here, else from this silo's replica.
    /// </summary>
    public Task<TagPairsAnswer> CollectAsync(int bucket, int shard, PartitionSet? partitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, _tags.IndexBuckets);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, _tags.IndexShards);
        Task<TagPairsAnswer> answer;
        bool start = false;
        lock (_gate)
        {
            _next ??= new TagPairPass(_tags.IndexBuckets, _tags.IndexShards, _partitionCount);
            answer = _next.Add(bucket, shard, partitions);
            if (!_running)
            {
                _running = start = true;
            }
        }

        if (start)
        {
            // Off the caller's (grain) scheduler: each step's yield gives the thread back to the pool.
            _ = Task.Factory.StartNew(RunPassesAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
        }

        return answer;
    }

    private async Task RunPassesAsync()
    {
        while (true)
        {
            TagPairPass? pass;
            lock (_gate)
            {
                pass = _next;
                _next = null;
                if (pass is null)
                {
                    _running = false;
                    return;
                }
            }

            Interlocked.Increment(ref _passes);
            long started = Environment.TickCount64;
            await pass.RunAsync(_primaries, _replicas, _tags.ScanBatchSize);
            LogPass(_logger, pass.Requests, Environment.TickCount64 - started);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tag index rebuild: one walk of this silo's stores answered {Requests} shard request(s) in {ElapsedMs} ms")]
    private static partial void LogPass(ILogger logger, int requests, long elapsedMs);
}
