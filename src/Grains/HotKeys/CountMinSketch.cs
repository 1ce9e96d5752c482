using System.Runtime.CompilerServices;

namespace Grid.Grains.HotKeys;

/// <summary>
/// A count-min sketch over 64-bit key hashes: <see cref="Depth"/> rows of counters, each key counted in one counter per
/// row (derived from the hash by double hashing), its estimate the smallest of them. An estimate never undercounts
/// (apart from racing increments, see below) and overcounts by at most 2/width of the total with probability
/// 1 - 2^-depth. Fixed memory (depth × width × 4 bytes), no allocation per count.
/// <para>
/// Counts are plain, unsynchronized increments: the silo counts from many threads at once, and a lost increment under
/// a race only makes an approximate figure a little lower, which is cheaper than an interlocked operation per counter
/// on the data path. <see cref="Halve"/> decays every counter, so the figures follow what is hot now.
/// </para>
/// </summary>
internal sealed class CountMinSketch
{
    /// <summary>Rows (independent hash functions).</summary>
    public const int Depth = 4;

    private readonly uint[] _counters;
    private readonly int _mask;

    /// <param name="width">Counters per row; rounded up to a power of two.</param>
    public CountMinSketch(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        int rounded = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)width);
        _mask = rounded - 1;
        Width = rounded;
        _counters = new uint[Depth * rounded];
    }

    /// <summary>Counters per row.</summary>
    public int Width { get; }

    /// <summary>Counts one occurrence of <paramref name="hash"/> and returns its estimate after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Add(ulong hash)
    {
        uint h1 = (uint)hash;
        uint h2 = (uint)(hash >> 32) | 1;
        uint min = uint.MaxValue;
        var counters = _counters;
        for (int row = 0; row < Depth; row++)
        {
            ref uint counter = ref counters[(row * Width) + (int)((h1 + ((uint)row * h2)) & (uint)_mask)];
            uint next = counter + 1;
            if (next != 0)
            {
                counter = next;
            }

            min = Math.Min(min, counter);
        }

        return min;
    }

    /// <summary>The estimated count of <paramref name="hash"/>.</summary>
    public uint Estimate(ulong hash)
    {
        uint h1 = (uint)hash;
        uint h2 = (uint)(hash >> 32) | 1;
        uint min = uint.MaxValue;
        for (int row = 0; row < Depth; row++)
        {
            min = Math.Min(min, _counters[(row * Width) + (int)((h1 + ((uint)row * h2)) & (uint)_mask)]);
        }

        return min;
    }

    /// <summary>Halves every counter: counts seen one decay period ago weigh half as much as new ones.</summary>
    public void Halve()
    {
        var counters = _counters;
        for (int i = 0; i < counters.Length; i++)
        {
            counters[i] >>= 1;
        }
    }
}
