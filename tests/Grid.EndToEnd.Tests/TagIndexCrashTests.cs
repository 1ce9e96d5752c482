using System.Diagnostics;
using Grid.Client;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests;

/// <summary>
/// Issue 14, item 4 with real processes: three silo processes on redis-server membership, a hot tag over every
/// partition, kill -9 of the silo holding most of the tag's index; invalidating the tag still removes every entry.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class TagIndexCrashTests(ITestOutputHelper output)
{
    private const int Keys = 20_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    // The tag index's rebuild rounds, catch-ups and walks are logged at Debug: kept in the silo logs written on failure,
    // since this test failed once in about a hundred runs and its cause is not known yet.
    private static readonly Dictionary<string, string> TagIndexDiagnostics = new() { ["Logging__LogLevel__Grid.Grains.Tags"] = "Debug" };

    [Fact]
    public async Task After_kill_9_of_the_silo_holding_a_hot_tags_index_invalidating_the_tag_removes_every_tagged_entry()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = new List<SiloProcess>();
        ClientHost? client = null;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                silos.Add(await SiloProcess.StartAsync(redis.ConnectionString, TagIndexDiagnostics));
            }

            client = await ClientHost.StartOnRedisAsync(redis);
            var cache = client.Cache;
            await ClusterWait.WaitForSilosAsync(cache, 3, Timeout);

            string hot = $"hot:{Guid.NewGuid():N}";
            var keys = Enumerable.Range(0, Keys).Select(i => $"e2e-tag:{i}").ToArray();
            var value = new byte[64];
            foreach (var chunk in keys.Chunk(1_000))
            {
                await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList(), new GridEntryOptions { Tags = [hot] });
            }

            // Where the tag's index lives, from each silo's analytics (shards refresh their figures every few seconds).
            var perSilo = await WaitForIndexAsync(cache, hot);
            var (victimName, victimKeys) = perSilo.OrderByDescending(s => s.Value).First();
            var victim = silos.Single(s => victimName.StartsWith($"127.0.0.1:{s.SiloPort}@", StringComparison.Ordinal));
            output.WriteLine($"index of {hot} per silo: {string.Join(", ", perSilo.Select(s => $"{s.Key}: {s.Value}"))}; killing {victimName} ({victimKeys} keys)");

            var killed = Stopwatch.StartNew();
            await victim.Process.KillAsync();
            await ClusterWait.WaitForSilosAsync(cache, 2, Timeout);
            output.WriteLine($"declared dead after {killed.Elapsed.TotalSeconds:0.0} s");

            var invalidating = Stopwatch.StartNew();
            long removed = await InvalidateWithRetriesAsync(cache, hot);
            output.WriteLine($"invalidation removed {removed} in {invalidating.Elapsed.TotalMilliseconds:0} ms");

            // Which keys are still readable first (a failure then says whether entries escaped or were counted wrong).
            var readable = new List<string>();
            foreach (var chunk in keys.Chunk(2_000))
            {
                var values = await cache.GetManyAsync(chunk);
                readable.AddRange(chunk.Where((_, i) => values[i] is not null));
            }

            Assert.True(readable.Count == 0, $"{readable.Count} tagged entries still readable, e.g. {string.Join(", ", readable.Take(5))}");
            Assert.Equal(Keys, removed);
        }
        catch
        {
            ProcessCluster.WriteLogs(output, silos);
            throw;
        }
        finally
        {
            await ProcessCluster.StopAllAsync(client, silos);
        }
    }

    /// <summary>Waits until the silos' shards together index every key of the tag; returns the keys per silo.</summary>
    private static async Task<Dictionary<string, long>> WaitForIndexAsync(IGridCache cache, string tag)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var report = await ((IGridAnalytics)cache).GetAnalyticsAsync();
            var perSilo = report.PerSilo.ToDictionary(
                s => s.Statistics.Silo,
                s => s.TagIndex.LargestTags.Where(t => t.Tag == tag).Sum(t => t.Keys));
            if (perSilo.Values.Sum() == Keys)
            {
                return perSilo;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The index of {tag} did not reach {Keys} keys: {string.Join(", ", perSilo.Select(s => $"{s.Key}: {s.Value}"))}.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The invalidation, sent again while a call still lands on the dead silo (counting only the call that answered).</summary>
    private static async Task<long> InvalidateWithRetriesAsync(IGridCache cache, string tag)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                return await cache.InvalidateTagAsync(tag);
            }
            catch (GridUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
