using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>Cumulative counters of a store; written under the store's lock, read without it for statistics.</summary>
internal sealed class StoreCounters
{
    public long Hits;
    public long Misses;
    public long Evictions;
    public long Expirations;
    public long Operations;

    /// <summary>Entries removed by an operation (a remove, or a hash or list that lost its last element).</summary>
    public long Deletions;

    /// <summary>Entries removed by a tag invalidation.</summary>
    public long TagInvalidations;

    /// <summary>Entries removed by a pattern invalidation.</summary>
    public long PatternInvalidations;

    /// <summary>Writes sent again by their client (a call abandoned or lost with a silo) and answered from memory, not run twice.</summary>
    public long ReplayedRequests;

    /// <summary>Operations by kind (<see cref="OperationKinds"/>), counted under the store's lock.</summary>
    public readonly long[] ByKind = new long[OperationKinds.Count];

    public void AddTo(StoreCounters total)
    {
        Interlocked.Add(ref total.Hits, Volatile.Read(ref Hits));
        Interlocked.Add(ref total.Misses, Volatile.Read(ref Misses));
        Interlocked.Add(ref total.Evictions, Volatile.Read(ref Evictions));
        Interlocked.Add(ref total.Expirations, Volatile.Read(ref Expirations));
        Interlocked.Add(ref total.Operations, Volatile.Read(ref Operations));
        Interlocked.Add(ref total.Deletions, Volatile.Read(ref Deletions));
        Interlocked.Add(ref total.TagInvalidations, Volatile.Read(ref TagInvalidations));
        Interlocked.Add(ref total.PatternInvalidations, Volatile.Read(ref PatternInvalidations));
        Interlocked.Add(ref total.ReplayedRequests, Volatile.Read(ref ReplayedRequests));
        for (int i = 0; i < ByKind.Length; i++)
        {
            Interlocked.Add(ref total.ByKind[i], Volatile.Read(ref ByKind[i]));
        }
    }
}
