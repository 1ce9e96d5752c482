using System.IO.Hashing;

namespace Grid.Grains.Tags;

/// <summary>
/// Where a tag/key pair is indexed: bucket = hash(tag) mod buckets, shard = hash(key) mod shards, grain key
/// <c>{bucket}#{shard}</c>. Every silo must use the same counts (<see cref="Hosting.GridTagOptions"/>).
/// </summary>
internal static class TagIndexAddressing
{
    private const long BucketSeed = 0x3c6e_f372;
    private const long ShardSeed = 0x1f83_d9ab;

    public static int Bucket(ReadOnlySpan<byte> tag, int buckets) => (int)(XxHash3.HashToUInt64(tag, BucketSeed) % (uint)buckets);

    public static int Shard(ReadOnlySpan<byte> key, int shards) => (int)(XxHash3.HashToUInt64(key, ShardSeed) % (uint)shards);

    public static string GrainKey(int bucket, int shard) => $"{bucket}#{shard}";
}
