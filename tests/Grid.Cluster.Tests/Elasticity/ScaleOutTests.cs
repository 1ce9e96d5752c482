using System.Globalization;
using System.Text;
using Grid.Client;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

[Collection(ElasticityCollection.Name)]
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int EntryCount = 100_000;

    [Fact]
    public async Task Growing_from_one_to_three_silos_spreads_100k_entries_evenly_and_loses_none()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 1, clients: 1);
        var cache = scenario.Caches[0];
        var keys = new string[EntryCount];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = "scale:" + i.ToString(CultureInfo.InvariantCulture);
        }

        for (int i = 0; i < keys.Length; i += 5_000)
        {
            var chunk = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(5_000);
            for (int j = i; j < i + 5_000; j++)
            {
                chunk.Add(KeyValuePair.Create(keys[j], (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(keys[j])));
            }

            await cache.SetManyAsync(chunk);
        }

        for (int silos = 2; silos <= 3; silos++)
        {
            var started = DateTime.UtcNow;
            await scenario.Cluster.StartAdditionalSiloAsync();
            await scenario.WaitForActiveSilosAsync(silos, TimeSpan.FromSeconds(60));
            await scenario.WaitUntilBalancedAsync(TimeSpan.FromSeconds(120), partitions: 1024);
            var counts = scenario.PartitionsPerSilo();
            var spread = ScenarioCluster.Spread(counts, 0.2, out bool within);
            var stats = await cache.GetSiloStatisticsAsync();
            long entries = stats.Sum(s => s.Entries);
            ScenarioReport.Write(output, $"scale 1→3, at {silos} silos", $"balanced in {(DateTime.UtcNow - started).TotalSeconds:0.0} s; partitions per silo: {spread}; " +
                $"entries per silo: {string.Join(", ", stats.Select(s => s.Entries))} (total {entries}); replica entries: {string.Join(", ", stats.Select(s => s.ReplicaEntries))}");
            Assert.True(within, spread);
            Assert.Equal(1024, counts.Values.Sum());
            Assert.Equal(EntryCount, entries);
        }

        long missing = 0;
        for (int i = 0; i < keys.Length; i += 5_000)
        {
            var values = await cache.GetManyAsync(keys[i..(i + 5_000)]);
            for (int j = 0; j < values.Length; j++)
            {
                if (values[j] is not { } value || Encoding.ASCII.GetString(value) != keys[i + j])
                {
                    missing++;
                }
            }
        }

        ScenarioReport.Write(output, "scale 1→3", $"{EntryCount} entries written at 1 silo, {missing} missing or wrong at 3 silos");
        Assert.Equal(0, missing);
    }
}
