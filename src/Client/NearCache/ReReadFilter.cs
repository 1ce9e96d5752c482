using System.Runtime.CompilerServices;

namespace Grid.Client.NearCache;

/// <summary>
/// Which keys were read lately, in little memory: a Bloom filter (TinyLFU's "doorkeeper") of about eight bits per
/// near-cache entry, two probes per key, emptied each time it has taken in as many new keys as the near cache holds,
/// so "read lately" means within roughly the last near-cache-full of distinct reads. A key it has not seen is let in
/// on its next read; about 5 % of new keys pass early (false positives). Lock-free: bits are set with an atomic OR.
/// </summary>
internal sealed class ReReadFilter
{
    private readonly ulong[] _bits;
    private readonly int _mask;
    private readonly int _window;
    private int _added;

    /// <param name="capacity">Entries the near cache holds.</param>
    public ReReadFilter(int capacity)
    {
        capacity = Math.Max(64, capacity);
        long bits = Math.Min(1L << 31, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(capacity, 1 << 27) * 8u));
        _bits = new ulong[bits / 64];
        _mask = (int)(bits - 1);
        _window = capacity;
    }

    /// <summary>Notes a read of the key with <paramref name="hash"/>; true when it was read lately before this one.</summary>
    public bool SeenBefore(int hash)
    {
        uint mixed = Mix((uint)hash);
        int first = (int)mixed & _mask;
        int second = (int)((mixed >> 16) | (mixed << 16)) & _mask;
        bool seen = IsSet(first) & IsSet(second);
        if (!seen)
        {
            Set(first);
            Set(second);

            // Not atomic: a lost count under contention only makes the window a little longer, and a miss then costs
            // a plain write instead of a locked one on a line every reader shares.
            int added = Volatile.Read(ref _added) + 1;
            Volatile.Write(ref _added, added);
            if (added >= _window)
            {
                Clear();
            }
        }

        return seen;
    }

    private bool IsSet(int bit) => (Volatile.Read(ref _bits[bit >> 6]) & (1UL << bit)) != 0;

    private void Set(int bit)
    {
        // The atomic OR only for a bit not set yet: one of a new key's two bits is often set already.
        if (!IsSet(bit))
        {
            Interlocked.Or(ref _bits[bit >> 6], 1UL << bit);
        }
    }

    private void Clear()
    {
        // Whoever crosses the window clears; a racing reader at worst sees a key as new (it is let in on its next read).
        Volatile.Write(ref _added, 0);
        Array.Clear(_bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint x)
    {
        // murmur3's 32-bit finalizer: string hash codes may cluster in the low bits the filter indexes by.
        x ^= x >> 16;
        x *= 0x85EBCA6B;
        x ^= x >> 13;
        x *= 0xC2B2AE35;
        x ^= x >> 16;
        return x;
    }
}
