using System.Collections.Concurrent;

namespace Grid.Grains.Metrics;

/// <summary>
/// The tag index shards (grains) active on this silo and their sizes, which each shard refreshes itself on its own
/// scheduler within 5 seconds of a change (<see cref="TagIndexShardStats"/>); metrics and analytics read them here.
/// </summary>
internal sealed class TagIndexShardRegistry
{
    /// <summary>Largest tags kept per shard and reported per silo.</summary>
    public const int LargestTagCount = 10;

    private readonly ConcurrentDictionary<TagIndexShardStats, byte> _shards = new();

    public void Register(TagIndexShardStats shard) => _shards.TryAdd(shard, 0);

    public void Unregister(TagIndexShardStats shard) => _shards.TryRemove(shard, out _);

    public int Shards => _shards.Count;

    public GridTagIndexStatistics Snapshot()
    {
        long tags = 0;
        long keys = 0;
        long bytes = 0;
        var largest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var shard in _shards.Keys)
        {
            tags += shard.Tags;
            keys += shard.Keys;
            bytes += shard.Bytes;
            foreach (var tag in shard.Largest)
            {
                largest[tag.Tag] = largest.GetValueOrDefault(tag.Tag) + tag.Keys;
            }
        }

        return new GridTagIndexStatistics
        {
            Shards = _shards.Count,
            Tags = tags,
            Keys = keys,
            Bytes = bytes,
            LargestTags = [.. largest.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(LargestTagCount).Select(t => new GridTagSize(t.Key, t.Value))],
        };
    }

    /// <summary>Sums of every shard's figures (for the gauges).</summary>
    public (long Tags, long Keys, long Bytes) Totals()
    {
        long tags = 0;
        long keys = 0;
        long bytes = 0;
        foreach (var shard in _shards.Keys)
        {
            tags += shard.Tags;
            keys += shard.Keys;
            bytes += shard.Bytes;
        }

        return (tags, keys, bytes);
    }
}

/// <summary>The size of one tag index shard, as it last computed it (read from other threads without locks).</summary>
internal sealed class TagIndexShardStats
{
    private long _tags;
    private long _keys;
    private long _bytes;
    private GridTagSize[] _largest = [];

    public long Tags => Volatile.Read(ref _tags);

    public long Keys => Volatile.Read(ref _keys);

    public long Bytes => Volatile.Read(ref _bytes);

    public GridTagSize[] Largest => Volatile.Read(ref _largest);

    public void Publish(long tags, long keys, long bytes, GridTagSize[] largest)
    {
        Volatile.Write(ref _tags, tags);
        Volatile.Write(ref _keys, keys);
        Volatile.Write(ref _bytes, bytes);
        Volatile.Write(ref _largest, largest);
    }
}
