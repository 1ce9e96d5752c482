using System.Runtime.InteropServices;

namespace Grid.Client.NearCache;

/// <summary>
/// A counter incremented from many threads without a shared cache line: each thread adds into one of several padded
/// cells, and reading sums them (a shared counter on the hit path caps a near cache, see hazelcast#21676).
/// </summary>
internal sealed class StripedCounter
{
    private readonly Cell[] _cells = new Cell[Math.Max(4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount * 2))];

    public void Increment() => Interlocked.Increment(ref _cells[Environment.CurrentManagedThreadId & (_cells.Length - 1)].Value);

    public long Value
    {
        get
        {
            long sum = 0;
            foreach (ref readonly var cell in _cells.AsSpan())
            {
                sum += Volatile.Read(in cell.Value);
            }

            return sum;
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Value;
    }
}
