using System.Diagnostics;

namespace Grid.Grains.Metrics;

/// <summary>
/// Operation latencies of one silo in <see cref="GridLatencyHistogram"/> buckets, cumulative since start. Writers add
/// into one of several stripes (picked by thread) so concurrent batches do not fight over one cache line; a snapshot
/// sums the stripes.
/// </summary>
internal sealed class LatencyRecorder
{
    // Each stripe: the bucket counts, then the latency sum in microseconds; padded to whole cache lines.
    private static readonly int Stride = ((GridLatencyHistogram.BucketCount + 1 + 15) / 16 * 16) + 16;
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly int _stripeMask;
    private readonly long[] _cells;

    public LatencyRecorder()
    {
        int stripes = Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));
        _stripeMask = stripes - 1;
        _cells = new long[stripes * Stride];
    }

    /// <summary>Records <paramref name="operations"/> operations that each took <paramref name="elapsedTicks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long elapsedTicks, int operations)
    {
        if (operations <= 0)
        {
            return;
        }

        double micros = Math.Max(0, elapsedTicks) * MicrosecondsPerTick;
        int bucket = GridLatencyHistogram.BucketOf(micros);
        int stripe = (Environment.CurrentManagedThreadId & _stripeMask) * Stride;
        Interlocked.Add(ref _cells[stripe + bucket], operations);
        Interlocked.Add(ref _cells[stripe + GridLatencyHistogram.BucketCount], (long)micros * operations);
    }

    /// <summary>Copies the cumulative counts into <paramref name="counts"/> and returns the cumulative latency sum (µs).</summary>
    public long Snapshot(long[] counts)
    {
        Array.Clear(counts);
        long sum = 0;
        for (int s = 0; s < _cells.Length; s += Stride)
        {
            for (int i = 0; i < GridLatencyHistogram.BucketCount; i++)
            {
                counts[i] += Volatile.Read(ref _cells[s + i]);
            }

            sum += Volatile.Read(ref _cells[s + GridLatencyHistogram.BucketCount]);
        }

        return sum;
    }
}
