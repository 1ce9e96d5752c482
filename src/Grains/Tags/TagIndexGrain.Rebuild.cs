using System.Diagnostics;
using System.Globalization;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

internal sealed partial class TagIndexGrain
{
    // Set by OnRehydrate: this activation took over its sets from the previous one (a migration or a silo's hand-off).
    private bool _arrivedWithSets;

    // The cluster's membership as it stood before the sets were last made complete (activation, or the last catch-up),
    // and the catch-up under way.
    private ClusterMembershipSnapshot? _membershipAtCatchUp;
    private Task? _catchingUp;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Read before the rebuild: a silo that dies while it runs may take undelivered updates with it after its answer.
        var membershipBefore = membership.CurrentSnapshot;
        if (!_arrivedWithSets)
        {
            // The previous activation (if any) is gone with its sets: a crash, or Orleans deactivated it in place. Every
            // call to this shard, index updates included, waits until this is done (see TagIndexRebuild for why that makes
            // the rebuilt sets complete), and so does an invalidation of one of its tags.
            await RebuildAsync(cancellationToken);
        }

        // Sets that arrived from another activation were complete as of a membership this one never saw: a silo that
        // died before the move may have taken undelivered updates with it, so the first invalidation catches up.
        _membershipAtCatchUp = _arrivedWithSets ? null : membershipBefore;
        StartStatistics();
    }

    /// <summary>
    /// Before an invalidation: if any silo has left since the sets were last complete (crash or stop; also one that
    /// joined after this shard looked, see <see cref="SiloDepartures"/>), collects the shard's pairs from the entries
    /// again, adding them to the sets. A silo that dies takes with it the index updates its pump had not yet delivered,
    /// for writes it had already acknowledged; their entries survive (replicas), but until their partition is recovered
    /// and announces them this shard does not know them, and an invalidation would miss them. The walk only adds pairs:
    /// one that is stale by the time it lands costs a tag-checked remove that finds nothing. Concurrent invalidations
    /// share one catch-up.
    /// </summary>
    private Task CatchUpAfterDepartureAsync()
    {
        if (_catchingUp is { } running)
        {
            return running;
        }

        var current = membership.CurrentSnapshot;
        if (_membershipAtCatchUp is { } before && !SiloDepartures.AnyLeftSince(before, current))
        {
            _membershipAtCatchUp = current;
            return Task.CompletedTask;
        }

        _catchingUp = CatchUpAsync(current);
        return _catchingUp;
    }

    private async Task CatchUpAsync(ClusterMembershipSnapshot baseline)
    {
        try
        {
            string key = this.GetPrimaryKeyString();
            var (bucket, shard) = ParseKey(key);
            using var deadline = new CancellationTokenSource(_options.RebuildTimeout);
            long started = Stopwatch.GetTimestamp();
            var rebuild = new TagIndexRebuild(new GrainTagPairSource(GrainFactory, membership), _partitionCount, _replicated, TimeProvider.System, logger);
            TagRebuildResult result;
            try
            {
                result = await rebuild.RunAsync(bucket, shard, ApplyFrame, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new GridException($"Tag index shard {key} could not collect its pairs again after a silo left within {_options.RebuildTimeout} (Grid:Tags:RebuildTimeout); the invalidation can be retried.");
            }

            _membershipAtCatchUp = baseline;
            LogCaughtUp(logger, key, result.Pairs, result.Silos, result.Rounds, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _catchingUp = null;
        }
    }

    private async Task RebuildAsync(CancellationToken activation)
    {
        string key = this.GetPrimaryKeyString();
        var (bucket, shard) = ParseKey(key);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(activation);
        deadline.CancelAfter(_options.RebuildTimeout);
        long started = Stopwatch.GetTimestamp();
        var rebuild = new TagIndexRebuild(new GrainTagPairSource(GrainFactory, membership), _partitionCount, _replicated, TimeProvider.System, logger);
        try
        {
            var result = await rebuild.RunAsync(bucket, shard, ApplyFrame, deadline.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (result.Pairs > 0 || result.Rounds > 1)
            {
                LogRebuilt(logger, key, result.Pairs, result.Silos, result.Rounds, result.Activated, (long)elapsed.TotalMilliseconds);
            }
            else
            {
                LogNothingToRebuild(logger, key, result.Silos, (long)elapsed.TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new GridException($"Tag index shard {key} could not rebuild its sets from the silos within {_options.RebuildTimeout} (Grid:Tags:RebuildTimeout); the next call to it tries again.");
        }
    }

    private (int Bucket, int Shard) ParseKey(string key)
    {
        int hash = key.IndexOf('#', StringComparison.Ordinal);
        if (hash > 0
            && int.TryParse(key.AsSpan(0, hash), NumberStyles.None, CultureInfo.InvariantCulture, out int bucket)
            && int.TryParse(key.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int shard)
            && bucket < _options.IndexBuckets && shard < _options.IndexShards)
        {
            return (bucket, shard);
        }

        throw new ArgumentException($"'{key}' is not a tag index shard key ({{bucket}}#{{shard}} with bucket < {_options.IndexBuckets} and shard < {_options.IndexShards}).", nameof(key));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tag index shard {Shard} rebuilt from the entries: {Pairs} tag/key pairs from {Silos} silo(s) in {Rounds} round(s), {Activated} partition(s) activated, {ElapsedMs} ms")]
    private static partial void LogRebuilt(ILogger logger, string shard, long pairs, int silos, int rounds, int activated, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tag index shard {Shard} collected its pairs again after a silo left: {Pairs} tag/key pairs from {Silos} silo(s) in {Rounds} round(s), {ElapsedMs} ms")]
    private static partial void LogCaughtUp(ILogger logger, string shard, long pairs, int silos, int rounds, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tag index shard {Shard} activated with nothing to rebuild ({Silos} silo(s) asked, {ElapsedMs} ms)")]
    private static partial void LogNothingToRebuild(ILogger logger, string shard, int silos, long elapsedMs);
}
