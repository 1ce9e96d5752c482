namespace Grid.Metrics;

/// <summary>
/// A small fixed set of counters incremented from many threads without sharing a cache line between threads: each
/// thread adds into its own stripe (by thread id), and reading sums the stripes. Compiled into the client and the
/// silo (a linked source file: the contracts assembly does not need it).
/// </summary>
internal sealed class StripedCounters
{
    private readonly int _stride;
    private readonly int _stripeMask;
    private readonly long[] _cells;

    public StripedCounters(int count)
    {
        Count = count;
        _stride = ((count + 7) / 8 * 8) + 8;
        int stripes = Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _stripeMask = stripes - 1;
        _cells = new long[stripes * _stride];
    }

    public int Count { get; }

    public void Increment(int index) => Interlocked.Increment(ref _cells[((Environment.CurrentManagedThreadId & _stripeMask) * _stride) + index]);

    public long this[int index]
    {
        get
        {
            long sum = 0;
            for (int s = 0; s < _cells.Length; s += _stride)
            {
                sum += Volatile.Read(ref _cells[s + index]);
            }

            return sum;
        }
    }

    /// <summary>Adds every counter's value to <paramref name="into"/>[<paramref name="offset"/> + index].</summary>
    public void AddTo(long[] into, int offset)
    {
        for (int s = 0; s < _cells.Length; s += _stride)
        {
            for (int i = 0; i < Count; i++)
            {
                into[offset + i] += Volatile.Read(ref _cells[s + i]);
            }
        }
    }
}
