using Grid.Client;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests;

/// <summary>
/// What replicas are for, with real processes: two silo processes on redis-server membership with
/// <c>Grid:Replication:Replicas=0</c>, kill -9 of one; the entries it held are gone (a pure cache's trade), every entry
/// of the other silo reads back, and the survivor takes new writes for every key. (A TestingHost "kill" cannot show
/// the loss: it stops the in-process silo with a cancelled token, which still runs the partitions' hand-off.)
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class NoReplicaCrashTests(ITestOutputHelper output)
{
    private const int Keys = 4_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly Dictionary<string, string> NoReplicas = new() { ["Grid__Replication__Replicas"] = "0" };

    [Fact]
    public async Task After_kill_9_without_replicas_the_dead_silos_entries_are_gone_and_the_others_read_back()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = new List<SiloProcess>();
        ClientHost? client = null;
        try
        {
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString, NoReplicas));
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString, NoReplicas));
            client = await ClientHost.StartOnRedisAsync(redis);
            var cache = client.Cache;
            await ClusterWait.WaitForSilosAsync(cache, 2, Timeout);

            var keys = Enumerable.Range(0, Keys).Select(i => $"e2e-noreplica:{i}").ToArray();
            foreach (var chunk in keys.Chunk(500))
            {
                await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());
            }

            var victim = silos[^1];
            await victim.Process.KillAsync();
            await ClusterWait.WaitForSilosAsync(cache, 1, Timeout);

            var missing = new List<string>();
            foreach (var chunk in keys.Chunk(1_000))
            {
                var values = await cache.GetManyAsync(chunk);
                for (int i = 0; i < chunk.Length; i++)
                {
                    if (values[i] is null)
                    {
                        missing.Add(chunk[i]);
                    }
                    else
                    {
                        // What survived is exactly what was written.
                        Assert.Equal(chunk[i], System.Text.Encoding.UTF8.GetString(values[i]!));
                    }
                }
            }

            output.WriteLine($"after kill -9 of one of two silos without replicas: {missing.Count} of {Keys} entries gone");

            // Both silos held partitions (rendezvous placement splits them about evenly): some entries went, most of the
            // survivor's share stayed.
            Assert.InRange(missing.Count, Keys / 5, Keys * 4 / 5);

            // The survivor owns every partition now and takes writes of every key, the lost ones included.
            await cache.SetManyAsync(missing.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());
            var again = await cache.GetManyAsync(missing.ToArray());
            Assert.All(again, v => Assert.NotNull(v));
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
}
