namespace Grid.Grains.Storage;

/// <summary>Cumulative counters of a store; written under the store's lock, read without it for statistics.</summary>
internal sealed class StoreCounters
{
    public long Hits;
    public long Misses;
    public long Evictions;
    public long Expirations;
    public long Operations;

    public void AddTo(StoreCounters total)
    {
        Interlocked.Add(ref total.Hits, Volatile.Read(ref Hits));
        Interlocked.Add(ref total.Misses, Volatile.Read(ref Misses));
        Interlocked.Add(ref total.Evictions, Volatile.Read(ref Evictions));
        Interlocked.Add(ref total.Expirations, Volatile.Read(ref Expirations));
        Interlocked.Add(ref total.Operations, Volatile.Read(ref Operations));
    }
}
