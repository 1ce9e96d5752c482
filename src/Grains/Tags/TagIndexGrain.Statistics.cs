using Grid.Grains.Metrics;

namespace Grid.Grains.Tags;

internal sealed partial class TagIndexGrain
{
    /// <summary>How often a shard that changed recomputes its size for metrics and analytics.</summary>
    internal static readonly TimeSpan StatisticsRefresh = TimeSpan.FromSeconds(5);

    private readonly TagIndexShardStats _stats = new();
    private IGrainTimer? _statsTimer;
    private bool _statsDirty = true;

    private void StartStatistics()
    {
        shards.Register(_stats);
        _statsTimer = this.RegisterGrainTimer(RefreshStatistics, new GrainTimerCreationOptions(TimeSpan.Zero, StatisticsRefresh) { Interleave = true, KeepAlive = false });
    }

    private void StopStatistics()
    {
        _statsTimer?.Dispose();
        _statsTimer = null;
        shards.Unregister(_stats);
    }

    /// <summary>Recomputes the shard's size (tags, keys, bytes, largest tags) when it changed since the last time.</summary>
    private Task RefreshStatistics(CancellationToken cancellationToken)
    {
        if (!_statsDirty)
        {
            return Task.CompletedTask;
        }

        _statsDirty = false;
        long keys = 0;
        long bytes = 0;
        var largest = new PriorityQueue<(byte[] Tag, int Keys), int>(TagIndexShardRegistry.LargestTagCount + 1);
        foreach (var (tag, set) in _sets.All)
        {
            keys += set.Count;
            bytes += TagSets.BytesOf(tag, set);
            largest.Enqueue((tag, set.Count), set.Count);
            if (largest.Count > TagIndexShardRegistry.LargestTagCount)
            {
                largest.Dequeue();
            }
        }

        var top = new GridTagSize[largest.Count];
        for (int i = top.Length - 1; i >= 0; i--)
        {
            var (tag, count) = largest.Dequeue();
            top[i] = new GridTagSize(System.Text.Encoding.UTF8.GetString(tag), count);
        }

        _stats.Publish(_sets.Count, keys, bytes, top);
        return Task.CompletedTask;
    }
}
