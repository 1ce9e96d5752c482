using Grid.Bench.Hosting;
using StackExchange.Redis;

namespace Grid.Bench.Tests;

/// <summary>The harness's Redis Cluster: real redis-server processes in cluster mode, driven by StackExchange.Redis.</summary>
public sealed class RedisClusterTests
{
    [Fact(Timeout = 120_000)]
    public async Task Cluster_of_three_masters_and_three_replicas_serves_a_set_and_get_and_stops_its_processes()
    {
        Assert.True(
            ExecutableLocator.Find("redis-server") is not null && ExecutableLocator.Find("redis-cli") is not null,
            "redis-server and redis-cli must be on PATH: the test starts a real Redis Cluster (Debian: apt-get install redis-server).");

        string logs = Directory.CreateTempSubdirectory("grid-bench-cluster-test-").FullName;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        IReadOnlyList<int> pids = [];
        try
        {
            using var supervisor = new ProcessSupervisor();
            // Task.Run: no xunit synchronization context, as in the harness.
            await Task.Run(async () =>
            {
                await using var cluster = await RedisCluster.StartAsync(supervisor, "redis-cluster-test", logs, timeout.Token);
                pids = cluster.ProcessIds;
                Assert.Equal(RedisCluster.Nodes, pids.Count);

                int masters = 0;
                foreach (var server in cluster.Connection.GetServers())
                {
                    masters += server.IsReplica ? 0 : 1;
                }

                Assert.Equal(RedisCluster.Masters, masters);

                // Keys in different hash slots, so more than one master answers.
                for (int i = 0; i < 10; i++)
                {
                    string key = $"key:{i:0000000}";
                    Assert.True(await cluster.Database.StringSetAsync(key, "value-" + i));
                    Assert.Equal("value-" + i, (string?)await cluster.Database.StringGetAsync(key));
                }

                var (hits, _) = await cluster.KeyspaceCountersAsync();
                Assert.True(hits >= 10, $"The nodes count {hits} keyspace hits after 10 gets.");
            });

            foreach (int pid in pids)
            {
                Assert.False(IsRunning(pid), $"redis-server pid {pid} still runs after the cluster was disposed.");
            }
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
