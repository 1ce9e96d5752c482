using System.Text;
using Grid.Grains.Invalidation;
using Grid.Partitioning;

namespace Grid.Core.Tests.Invalidation;

public sealed class PatternPlanTests
{
    private const int Partitions = 1024;

    private static int Plan(string pattern) => PatternPlan.SinglePartition(Encoding.UTF8.GetBytes(pattern), Partitions);

    private static int PartitionOf(string key) => PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), Partitions);

    [Theory]
    [InlineData("user:{42}:*", "user:{42}:name")]
    [InlineData("user:{42}:[ab]", "user:{42}:a")]
    [InlineData("{42}*", "{42}x")]
    [InlineData("plain-key", "plain-key")]
    [InlineData("a{b}c\\*", "a{b}c*")]
    public void Pattern_whose_literal_start_fixes_the_hash_tag_maps_to_its_partition(string pattern, string aMatch) =>
        Assert.Equal(PartitionOf(aMatch), Plan(pattern));

    [Theory]
    [InlineData("user:*")]
    [InlineData("user:{4*}:x")]
    [InlineData("user:{}:*")]
    [InlineData("user:{42*")]
    [InlineData("*{42}")]
    [InlineData("?{42}")]
    [InlineData("\\{42}:*")]
    public void Pattern_whose_matches_may_hash_anywhere_scans_every_partition(string pattern) => Assert.Equal(-1, Plan(pattern));
}
