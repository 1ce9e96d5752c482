using System.Numerics;

namespace Grid.Grains.Partitions;

/// <summary>A set of partition numbers (a bitset), small enough to send in a grain call: 128 bytes for 1,024 partitions.</summary>
[GenerateSerializer, Alias("grid.PartitionSet")]
internal sealed class PartitionSet
{
    /// <summary>An empty set of no partitions (for deserialization).</summary>
    public PartitionSet() => Bits = [];

    /// <summary>An empty set for partitions 0 to <paramref name="partitionCount"/> - 1.</summary>
    public PartitionSet(int partitionCount) => Bits = new ulong[(partitionCount + 63) / 64];

    /// <summary>One bit per partition, partition p at bit p % 64 of word p / 64.</summary>
    [Id(0)] public ulong[] Bits { get; set; }

    /// <summary>Whether no partition is in the set.</summary>
    public bool IsEmpty
    {
        get
        {
            foreach (ulong word in Bits)
            {
                if (word != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Partitions in the set.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (ulong word in Bits)
            {
                count += BitOperations.PopCount(word);
            }

            return count;
        }
    }

    /// <summary>Whether <paramref name="partition"/> is in the set (false when it is beyond the set's range).</summary>
    public bool Contains(int partition) => (uint)(partition >> 6) < (uint)Bits.Length && (Bits[partition >> 6] & (1UL << partition)) != 0;

    /// <summary>Adds <paramref name="partition"/> (which must be within the set's range).</summary>
    public void Add(int partition) => Bits[partition >> 6] |= 1UL << partition;

    /// <summary>Adds every partition from 0 to <paramref name="partitionCount"/> - 1.</summary>
    public void AddAll(int partitionCount)
    {
        for (int p = 0; p < partitionCount; p++)
        {
            Add(p);
        }
    }

    /// <summary>Adds every partition of <paramref name="other"/> within this set's range.</summary>
    public void UnionWith(PartitionSet other)
    {
        for (int i = 0; i < Bits.Length && i < other.Bits.Length; i++)
        {
            Bits[i] |= other.Bits[i];
        }
    }

    /// <summary>The partitions of this set that are not in <paramref name="other"/>, as a new set.</summary>
    public PartitionSet Except(PartitionSet other)
    {
        var result = new PartitionSet(Bits.Length * 64);
        for (int i = 0; i < Bits.Length; i++)
        {
            result.Bits[i] = Bits[i] & ~(i < other.Bits.Length ? other.Bits[i] : 0);
        }

        return result;
    }

    /// <summary>The partitions in the set, in increasing order.</summary>
    public IEnumerable<int> Partitions()
    {
        for (int i = 0; i < Bits.Length; i++)
        {
            ulong word = Bits[i];
            while (word != 0)
            {
                yield return (i << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }
}
