using Grid.Client;

namespace Grid.Cluster.Tests;

/// <summary>Multi-key writes into partitions that are not active yet (a cluster of its own, so most partitions are fresh).</summary>
public sealed class FreshPartitionMultiSetTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private GridCache Cache => fixture.Cache;

    /// <summary>
    /// As Redis's MSET, the last occurrence wins. The two occurrences fall into the call's first two batches, which go
    /// out together; into a fresh partition, the second batch's op used to run first in about one round of four.
    /// </summary>
    [Fact]
    public async Task A_key_given_twice_to_a_multi_set_ends_with_its_last_value()
    {
        int firstWon = 0;
        for (int round = 0; round < 20; round++)
        {
            var prefix = Guid.NewGuid().ToString("N");
            string twice = $"multi:{{{prefix}}}:twice";
            var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>> { KeyValuePair.Create(twice, (ReadOnlyMemory<byte>)"first"u8.ToArray()) };
            items.AddRange(Enumerable.Range(0, 300).Select(i => KeyValuePair.Create($"multi:{{{prefix}}}:{i}", (ReadOnlyMemory<byte>)"v"u8.ToArray())));
            items.Add(KeyValuePair.Create(twice, (ReadOnlyMemory<byte>)"last"u8.ToArray()));
            items.AddRange(Enumerable.Range(300, 300).Select(i => KeyValuePair.Create($"multi:{{{prefix}}}:{i}", (ReadOnlyMemory<byte>)"v"u8.ToArray())));
            await Cache.SetManyAsync(items);
            if (await Cache.GetStringAsync(twice) != "last")
            {
                firstWon++;
            }
        }

        Assert.Equal(0, firstWon);
    }
}
