using System.Buffers.Binary;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Invalidation;
using Grid.Grains.Metrics;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>
/// One shard of the tag index (see <see cref="ITagIndexGrain"/>). Reentrant, so index updates keep flowing while an
/// invalidation awaits its removals: an invalidation first takes the tag's key set out of the index (later additions
/// start a new set), then removes those keys from the stores with tag-checked removes in bounded batches, grouped per
/// silo. Kept alive (idle collection would lose the index) and carried along when Orleans migrates it; an activation
/// that arrives without its sets (its silo crashed) rebuilds them from the entries first (see <see cref="TagIndexRebuild"/>).
/// </summary>
[Reentrant]
[KeepAlive]
internal sealed partial class TagIndexGrain(
    IClusterMembershipService membership,
    IOptions<GridSiloOptions> options,
    TagIndexShardRegistry shards,
    ClusterView cluster,
    ILogger<TagIndexGrain> logger) : Grain, ITagIndexGrain, IGrainMigrationParticipant
{
    private const string SnapshotKey = "grid.tags";

    private readonly GridTagOptions _options = options.Value.Tags;
    private readonly int _partitionCount = options.Value.PartitionCount;
    private readonly bool _replicated = options.Value.Replication.Replicas > 0;
    private readonly Dictionary<byte[], Task> _running = new(Utf8BytesComparer.Instance);
    private TagSets _sets = new();

    public Task Apply(byte[] updates)
    {
        ApplyFrame(updates);
        return Task.CompletedTask;
    }

    /// <summary>Applies an update frame (from a pump, or a silo's answer to a rebuild) to the sets, in order.</summary>
    private void ApplyFrame(byte[] updates)
    {
        _statsDirty = true;
        var reader = new TagUpdateFrame.Reader(updates);
        while (reader.TryRead(out byte kind, out var tag, out var key))
        {
            if (kind == TagUpdateFrame.Add)
            {
                _sets.GetOrAdd(tag).Add(key);
            }
            else if (_sets.TryGet(tag, out var set) && set.Remove(key))
            {
                _sets.RemoveIfEmpty(tag, set);
            }
        }
    }

    public async Task<long> Invalidate(byte[] tag, byte[][]? keep)
    {
        // Invalidations of one tag run one after the other: a second call must not return (finding the set taken)
        // while the first is still removing keys the second call's caller may have written before it began.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running.TryGetValue(tag, out var previous);
        _running[tag] = done.Task;
        try
        {
            if (previous is not null)
            {
                await previous;
            }

            await CatchUpAfterDepartureAsync();
            return await InvalidateNowAsync(tag, keep);
        }
        finally
        {
            done.SetResult();
            if (_running.TryGetValue(tag, out var last) && last == done.Task)
            {
                _running.Remove(tag);
            }
        }
    }

    public Task<TagIndexInfo> GetInfo(byte[]? tag)
    {
        if (tag is not null)
        {
            return Task.FromResult(_sets.TryGet(tag, out var set) ? new TagIndexInfo(1, set.Count, TagSets.BytesOf(tag, set)) : TagIndexInfo.Empty);
        }

        long keys = 0;
        long bytes = 0;
        foreach (var (name, set) in _sets.All)
        {
            keys += set.Count;
            bytes += TagSets.BytesOf(name, set);
        }

        return Task.FromResult(new TagIndexInfo(_sets.Count, keys, bytes));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopStatistics();
        // A silo shutting down hands the shard to another silo, entries and all (even none: arriving with its sets,
        // however empty, tells the next activation it needs no rebuild); a lone silo has none to hand it to.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && cluster.HasPeer)
        {
            this.MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        var tags = new List<byte[]>(_sets.Count);
        var keys = new List<byte[]>(_sets.Count);
        foreach (var (tag, set) in _sets.All)
        {
            using var run = new FrameBuffer(256);
            foreach (var key in set)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(run.Reserve(2), (ushort)key.Length);
                run.WriteRaw(key);
            }

            tags.Add(tag);
            keys.Add(run.ToArray());
        }

        dehydrationContext.TryAddValue(SnapshotKey, new TagShardSnapshot { Tags = [.. tags], Keys = [.. keys] });
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (!rehydrationContext.TryGetValue(SnapshotKey, out TagShardSnapshot? snapshot) || snapshot is null)
        {
            return;
        }

        var sets = new TagSets();
        for (int i = 0; i < snapshot.Tags.Length; i++)
        {
            var set = sets.GetOrAdd(snapshot.Tags[i]);
            ReadOnlySpan<byte> run = snapshot.Keys[i];
            while (run.Length >= 2)
            {
                int length = BinaryPrimitives.ReadUInt16LittleEndian(run);
                set.Add(run.Slice(2, length));
                run = run[(2 + length)..];
            }

            sets.RemoveIfEmpty(snapshot.Tags[i], set);
        }

        _sets = sets;
        _arrivedWithSets = true;
        _statsDirty = true;
    }

    private async Task<long> InvalidateNowAsync(byte[] tag, byte[][]? keep)
    {
        _statsDirty = true;
        var detached = _sets.Detach(tag);
        if (detached is null)
        {
            return 0;
        }

        try
        {
            return await RemoveAllAsync(tag, detached, keep);
        }
        catch
        {
            // The caller learns the invalidation failed; the index keeps every key it had, so a retry finds them
            // (keys that were removed meanwhile stay as stale entries, which removals skip and do not count).
            var current = _sets.GetOrAdd(tag);
            foreach (var key in detached)
            {
                current.Add(key);
            }

            throw;
        }
    }

    /// <summary>Sends tag-checked removes of every key of <paramref name="keys"/>, batched per silo, a few batches in flight.</summary>
    private async Task<long> RemoveAllAsync(byte[] tag, CompactKeySet keys, byte[][]? keep)
    {
        var silos = ClusterSilos.Active(membership);
        if (silos.Length == 0)
        {
            throw new GridException("The tag index sees no active silo to remove the tag's keys from.");
        }

        var batches = new RemovalBatches(ClusterSilos.OwnersByPartition(silos, _partitionCount), _partitionCount, TagRemovalFrame.BlockOf(tag), _options.RemovalBatchSize);
        var inFlight = new List<Task<long>>(_options.RemovalConcurrency);
        var kept = KeepSet(keep);
        long removed = 0;
        var cursor = default(CompactKeySet.Cursor);
        while (true)
        {
            // Kept keys go back into the tag's current set (which also receives keys tagged meanwhile).
            bool more = batches.Fill(keys, ref cursor, kept, _sets, tag);

            while (batches.TryTakeFull(out var silo, out var frame))
            {
                removed += await StartAsync(inFlight, silo, frame);
            }

            if (!more)
            {
                break;
            }
        }

        while (batches.TryTakeAny(out var silo, out var frame))
        {
            removed += await StartAsync(inFlight, silo, frame);
        }

        foreach (long count in await Task.WhenAll(inFlight))
        {
            removed += count;
        }

        return removed;
    }

    private static CompactKeySet? KeepSet(byte[][]? keep)
    {
        if (keep is not { Length: > 0 })
        {
            return null;
        }

        var set = new CompactKeySet();
        foreach (var key in keep)
        {
            set.Add(key);
        }

        return set;
    }

    /// <summary>Starts one batch; when the in-flight limit is reached, first waits for one to finish and returns its count.</summary>
    private async Task<long> StartAsync(List<Task<long>> inFlight, SiloAddress silo, byte[] frame)
    {
        long finished = 0;
        if (inFlight.Count >= _options.RemovalConcurrency)
        {
            var done = await Task.WhenAny(inFlight);
            inFlight.Remove(done);
            finished = await done;
        }

        inFlight.Add(SendAsync(silo, frame));
        return finished;
    }

    private async Task<long> SendAsync(SiloAddress silo, byte[] frame)
    {
        // The silo's control entry (#0: clients send their data to #1..#N), so removal batches never queue in front of
        // client batches on one activation: the two only share the silo's threads.
        var answer = await GrainFactory.GetGrain<ISiloEntryGrain>(ClusterSilos.GrainKey(silo, shard: 0)).Execute(frame);
        return TagRemovalFrame.CountRemoved(answer.ResultFrame);
    }
}
