using Grid.Partitioning;

namespace Grid.Grains.Invalidation;

/// <summary>Works out, from a pattern alone, whether every key it can match lives in one partition.</summary>
internal static class PatternPlan
{
    /// <summary>
    /// The one partition every match of <paramref name="pattern"/> lives in, or -1 when matches may be anywhere. That is
    /// so when the pattern has no glob character at all (it matches only itself), or when it starts with a literal run
    /// that holds a complete hash tag (<c>user:{42}:*</c>): every match then has that first <c>{...}</c>, so the same
    /// hashed part, as Redis Cluster reasons about slots.
    /// </summary>
    public static int SinglePartition(ReadOnlySpan<byte> pattern, int partitionCount)
    {
        int special = pattern.IndexOfAny("*?[\\"u8);
        if (special < 0)
        {
            return PartitionHasher.GetPartition(pattern, partitionCount);
        }

        var literal = pattern[..special];
        int open = literal.IndexOf((byte)'{');
        if (open < 0)
        {
            return -1;
        }

        int close = literal[(open + 1)..].IndexOf((byte)'}');
        return close <= 0 ? -1 : PartitionHasher.GetPartition(literal[..(open + close + 2)], partitionCount);
    }
}
