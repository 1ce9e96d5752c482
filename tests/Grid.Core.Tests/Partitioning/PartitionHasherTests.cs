using System.Text;
using Grid.Partitioning;

namespace Grid.Core.Tests.Partitioning;

public sealed class PartitionHasherTests
{
    private static int P(string key, int count = PartitionHasher.DefaultPartitionCount) => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), count);

    private static string Part(string key) => Encoding.UTF8.GetString(PartitionHasher.HashSlotPart(Encoding.UTF8.GetBytes(key)));

    // Pinned results: clients and silos of one cluster must agree forever, so any change to the hash (algorithm, seed,
    // encoding, modulo) must fail here rather than silently re-route keys.
    [Theory]
    [InlineData("user:1000", 1024, 159)]
    [InlineData("hello", 1024, 253)]
    [InlineData("a", 1024, 543)]
    [InlineData("0", 1024, 85)]
    [InlineData("session:7f3a9c", 1024, 502)]
    [InlineData("été", 1024, 597)]
    [InlineData("{user1000}.following", 1024, 116)]
    [InlineData("foo{}{bar}", 1024, 156)]
    [InlineData("user:1000", 1000, 855)]
    [InlineData("hello", 1000, 389)]
    [InlineData("session:7f3a9c", 1000, 94)]
    [InlineData("user:1000", 7, 0)]
    [InlineData("0", 7, 3)]
    public void Partition_of_a_key_never_changes(string key, int partitionCount, int expected) =>
        Assert.Equal(expected, P(key, partitionCount));

    [Fact]
    public void Hash_is_xxhash3_of_the_utf8_key_modulo_the_partition_count()
    {
        // 0x9555E8555C62DCFD is the published XXH3_64bits("hello") with seed 0.
        Assert.Equal((int)(0x9555E8555C62DCFDUL % 1024), P("hello"));
        Assert.Equal((int)(0x9555E8555C62DCFDUL % 1000), P("hello", 1000));
    }

    [Fact]
    public void Keys_sharing_a_hash_tag_share_a_partition()
    {
        Assert.Equal(P("{user1000}.following"), P("{user1000}.followers"));
        Assert.Equal(P("user1000"), P("{user1000}.following"));
        for (int count = 1; count <= 4096; count = count * 3 + 1)
        {
            Assert.Equal(P("a{tag}b", count), P("c{tag}", count));
        }
    }

    [Theory]
    [InlineData("{user1000}.following", "user1000")]
    [InlineData("{user1000}.followers", "user1000")]
    [InlineData("foo{}{bar}", "foo{}{bar}")]      // empty first tag: whole key
    [InlineData("foo{{bar}}", "{bar")]            // from the first '{' to the first '}' after it
    [InlineData("foo{bar}{zap}", "bar")]          // only the first tag counts
    [InlineData("foo{bar", "foo{bar")]            // no closing brace: whole key
    [InlineData("foo}bar{", "foo}bar{")]          // '}' before '{' does not close it
    [InlineData("}{x}", "x")]
    [InlineData("{}", "{}")]
    [InlineData("{", "{")]
    [InlineData("plain", "plain")]
    [InlineData("{a}", "a")]
    [InlineData("x{é}y", "é")]
    public void Hash_tag_is_picked_exactly_as_redis_cluster_does(string key, string hashed) =>
        Assert.Equal(hashed, Part(key));

    [Theory]
    [InlineData("foo{}{bar}", "foo{}{bar}")]
    [InlineData("foo{{bar}}", "{bar")]
    [InlineData("foo{bar}{zap}", "bar")]
    [InlineData("{user1000}.followers", "user1000")]
    public void Partition_is_xxhash3_of_the_hashed_part(string key, string hashedPart)
    {
        ulong hash = System.IO.Hashing.XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(hashedPart));
        Assert.Equal((int)(hash % 1024), P(key));
        Assert.Equal((int)(hash % 999), P(key, 999));
    }

    [Fact]
    public void Partition_count_of_one_maps_every_key_to_partition_zero()
    {
        var random = new Random(7);
        var key = new byte[16];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(key);
            Assert.Equal(0, PartitionHasher.GetPartition(key, 1));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(4093)]
    [InlineData(PartitionHasher.MaxPartitionCount)]
    public void Partitions_are_in_range_for_any_partition_count(int count)
    {
        var random = new Random(count);
        var seen = new bool[count];
        var key = new byte[12];
        int n = Math.Max(20_000, count * 20); // e^-20: no partition left empty by chance
        for (int i = 0; i < n; i++)
        {
            random.NextBytes(key);
            int p = PartitionHasher.GetPartition(key, count);
            Assert.InRange(p, 0, count - 1);
            seen[p] = true;
        }

        if (count <= 4093)
        {
            Assert.All(seen, Assert.True);
        }
    }

    [Fact]
    public void Non_power_of_two_partition_count_spreads_evenly()
    {
        const int count = 1000;
        var load = new int[count];
        for (int i = 0; i < 500_000; i++)
        {
            load[P("k:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), count)]++;
        }

        // 500 keys per partition expected; sd ~22, so 350..650 is more than six standard deviations either side.
        Assert.InRange(load.Min(), 350, 500);
        Assert.InRange(load.Max(), 500, 650);
    }

    [Fact]
    public void A_million_random_keys_spread_over_1024_partitions_within_a_tight_band()
    {
        const int count = 1024;
        const int keys = 1_000_000;
        var load = new int[count];
        var random = new Random(20250101);
        Span<byte> key = stackalloc byte[24];
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:_-";
        for (int i = 0; i < keys; i++)
        {
            int length = 8 + random.Next(17);
            for (int j = 0; j < length; j++)
            {
                key[j] = (byte)alphabet[random.Next(alphabet.Length)];
            }

            load[PartitionHasher.GetPartition(key[..length], count)]++;
        }

        // Expected ~976.6 per partition, sd ~31; min/max over 1024 bins land near ±3.2 sd, i.e. max/min ~1.2.
        double ratio = (double)load.Max() / load.Min();
        Assert.True(ratio < 1.3, $"max/min = {load.Max()}/{load.Min()} = {ratio:F3}");
        Assert.InRange(load.Min(), 850, 977);
        Assert.InRange(load.Max(), 977, 1110);
    }

    [Fact]
    public void Sequential_keys_spread_as_well_as_random_ones()
    {
        const int count = 1024;
        var load = new int[count];
        for (int i = 0; i < 1_000_000; i++)
        {
            load[P("user:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), count)]++;
        }

        double ratio = (double)load.Max() / load.Min();
        Assert.True(ratio < 1.3, $"max/min = {load.Max()}/{load.Min()} = {ratio:F3}");
    }
}
