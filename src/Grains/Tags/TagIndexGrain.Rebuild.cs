using System.Diagnostics;
using System.Globalization;
using Grid.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Grains.Tags;

internal sealed partial class TagIndexGrain
{
    // Set by OnRehydrate: this activation took over its sets from the previous one (a migration or a silo's hand-off).
    private bool _arrivedWithSets;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!_arrivedWithSets)
        {
            // The previous activation (if any) is gone with its sets: a crash, or Orleans deactivated it in place. Every
            // call to this shard, index updates included, waits until this is done (see TagIndexRebuild for why that makes
            // the rebuilt sets complete), and so does an invalidation of one of its tags.
            await RebuildAsync(cancellationToken);
        }

        StartStatistics();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Tag index shard {Shard} rebuilt from the entries: {Pairs} tag/key pairs from {Silos} silo(s) in {Rounds} round(s), {Activated} partition(s) activated, {ElapsedMs} ms")]
    private static partial void LogRebuilt(ILogger logger, string shard, long pairs, int silos, int rounds, int activated, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Tag index shard {Shard} activated with nothing to rebuild ({Silos} silo(s) asked, {ElapsedMs} ms)")]
    private static partial void LogNothingToRebuild(ILogger logger, string shard, int silos, long elapsedMs);
}
