using System.Diagnostics;
using Grid.Client;
using StackExchange.Redis;

namespace Grid.Bench.Load;

/// <summary>Writes keys 0 to count − 1 before a cell (not measured as a cell; its rate is reported).</summary>
internal static class Preloader
{
    private const int Chunk = 1000;
    private const int InFlight = 8;

    /// <summary>MSET in chunks of 1000 keys, 8 in flight. Returns the elapsed time.</summary>
    public static async Task<TimeSpan> RedisAsync(IDatabase database, KeySpace keys, int count, byte[] value, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new Queue<Task>();
        for (int first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - first);
            var pairs = new KeyValuePair<RedisKey, RedisValue>[n];
            for (int i = 0; i < n; i++)
            {
                pairs[i] = new(keys.Keys[first + i], value);
            }

            pending.Enqueue(database.StringSetAsync(pairs));
            if (pending.Count >= InFlight)
            {
                await pending.Dequeue();
            }
        }

        await Task.WhenAll(pending);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Redis Cluster: one SET per key (an MSET must keep to one hash slot, and 1,000 keys spread over all 16,384), pipelined
    /// by the multiplexer in chunks of 1000, 8 chunks in flight. Returns the elapsed time.
    /// </summary>
    public static async Task<TimeSpan> RedisClusterAsync(IDatabase database, KeySpace keys, int count, byte[] value, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new Queue<Task>();
        for (int first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - first);
            var sets = new Task[n];
            for (int i = 0; i < n; i++)
            {
                sets[i] = database.StringSetAsync(keys.Keys[first + i], value);
            }

            pending.Enqueue(Task.WhenAll(sets));
            if (pending.Count >= InFlight)
            {
                await pending.Dequeue();
            }
        }

        await Task.WhenAll(pending);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>SetManyAsync in chunks of 1000 keys, 8 in flight. Returns the elapsed time.</summary>
    public static async Task<TimeSpan> GridAsync(IGridCache cache, KeySpace keys, int count, byte[] value, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new Queue<Task>();
        for (int first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - first);
            var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(n);
            for (int i = 0; i < n; i++)
            {
                items.Add(new(keys.Keys[first + i], value));
            }

            pending.Enqueue(cache.SetManyAsync(items, cancellationToken: cancellationToken).AsTask());
            if (pending.Count >= InFlight)
            {
                await pending.Dequeue();
            }
        }

        await Task.WhenAll(pending);
        return Stopwatch.GetElapsedTime(started);
    }
}
