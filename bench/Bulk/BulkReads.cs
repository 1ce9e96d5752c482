using Grid.Bench.Load;
using Grid.Client;
using StackExchange.Redis;

namespace Grid.Bench.Bulk;

/// <summary>Reads keys 0 to count − 1 back in chunks of 1,000 keys, 8 chunks in flight (as <see cref="Preloader"/> writes them).</summary>
internal static class BulkReads
{
    private const int Chunk = 1000;
    private const int InFlight = 8;

    /// <summary>MGET per chunk. Returns the keys that came back missing.</summary>
    public static async Task<int> RedisAsync(IDatabase database, KeySpace keys, int count, CancellationToken cancellationToken)
    {
        int misses = 0;
        var pending = new Queue<Task<RedisValue[]>>();
        for (int first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - first);
            var chunk = new RedisKey[n];
            for (int i = 0; i < n; i++)
            {
                chunk[i] = keys.Keys[first + i];
            }

            pending.Enqueue(database.StringGetAsync(chunk));
            if (pending.Count >= InFlight)
            {
                misses += Misses(await pending.Dequeue());
            }
        }

        while (pending.Count > 0)
        {
            misses += Misses(await pending.Dequeue());
        }

        return misses;
    }

    /// <summary>GetManyAsync per chunk. Returns the keys that came back missing.</summary>
    public static async Task<int> GridAsync(IGridCache cache, KeySpace keys, int count, CancellationToken cancellationToken)
    {
        int misses = 0;
        var pending = new Queue<Task<byte[]?[]>>();
        for (int first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, count - first);
            pending.Enqueue(cache.GetManyAsync(new ArraySegment<string>(keys.Keys, first, n), cancellationToken).AsTask());
            if (pending.Count >= InFlight)
            {
                misses += Misses(await pending.Dequeue());
            }
        }

        while (pending.Count > 0)
        {
            misses += Misses(await pending.Dequeue());
        }

        return misses;
    }

    private static int Misses(RedisValue[] values)
    {
        int misses = 0;
        foreach (var value in values)
        {
            misses += value.IsNull ? 1 : 0;
        }

        return misses;
    }

    private static int Misses(byte[]?[] values)
    {
        int misses = 0;
        foreach (var value in values)
        {
            misses += value is null ? 1 : 0;
        }

        return misses;
    }
}
