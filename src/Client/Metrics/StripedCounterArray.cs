namespace Grid.Client.Metrics;

/// <summary>
/// A fixed set of counters incremented from many threads: each thread adds into its own stripe (by thread id) so no
/// cache line is shared between busy threads (see <see cref="NearCache.StripedCounter"/>); reading sums the stripes.
/// </summary>
internal sealed class StripedCounterArray
{
    private readonly int _stride;
    private readonly int _stripeMask;
    private readonly long[] _cells;

    public StripedCounterArray(int count)
    {
        Count = count;
        _stride = ((count + 7) / 8 * 8) + 8;
        int stripes = Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _stripeMask = stripes - 1;
        _cells = new long[stripes * _stride];
    }

    public int Count { get; }

    public void Increment(int index) => Interlocked.Increment(ref _cells[((Environment.CurrentManagedThreadId & _stripeMask) * _stride) + index]);

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
