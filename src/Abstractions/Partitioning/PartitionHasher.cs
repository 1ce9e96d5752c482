using System.IO.Hashing;

namespace Grid.Partitioning;

/// <summary>
/// Maps keys to partitions: XxHash3 (64-bit) of the key's UTF-8 bytes, or of its hash tag, modulo the partition count.
/// The same function runs on clients and silos, so it must never change for a given cluster.
/// </summary>
public static class PartitionHasher
{
    /// <summary>The partition count a cluster uses when none is configured.</summary>
    public const int DefaultPartitionCount = 1024;

    /// <summary>The largest partition count a cluster may be configured with.</summary>
    public const int MaxPartitionCount = 65536;

    /// <summary>Returns the partition of a UTF-8 encoded key.</summary>
    /// <param name="utf8Key">The key's UTF-8 bytes.</param>
    /// <param name="partitionCount">The cluster's partition count (positive).</param>
    public static int GetPartition(ReadOnlySpan<byte> utf8Key, int partitionCount)
    {
        ulong hash = XxHash3.HashToUInt64(HashSlotPart(utf8Key));
        return (int)(hash % (uint)partitionCount);
    }

    /// <summary>
    /// The part of a key that is hashed, exactly as Redis Cluster picks it: when the key has a '{' followed later by a '}'
    /// with at least one byte between the first '{' and the first '}' after it, only those bytes are hashed; otherwise the whole key.
    /// So <c>user:{42}:name</c> and <c>user:{42}:mail</c> share a partition, while <c>a{}{b}</c> hashes as a whole.
    /// </summary>
    /// <param name="utf8Key">The key's UTF-8 bytes.</param>
    public static ReadOnlySpan<byte> HashSlotPart(ReadOnlySpan<byte> utf8Key)
    {
        int open = utf8Key.IndexOf((byte)'{');
        if (open < 0)
        {
            return utf8Key;
        }

        int close = utf8Key[(open + 1)..].IndexOf((byte)'}');
        return close <= 0 ? utf8Key : utf8Key.Slice(open + 1, close);
    }
}
