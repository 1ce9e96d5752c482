using System.Diagnostics;
using System.Net.Http;
using Grid.Client;
using Grid.Tests.Shared;
using Grid.Tests.Shared.Processes;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests;

/// <summary>
/// Real silo processes on real redis-server membership, under load from three client hosts: a silo joins, a silo is
/// stopped with SIGTERM, a silo is killed with SIGKILL. One cluster goes through the three changes in turn.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ElasticClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Real_silos_join_stop_gracefully_and_crash_under_load_without_losing_acknowledged_writes()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = new List<SiloProcess>();
        var clients = new List<ClientHost>();
        try
        {
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString));
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString));
            for (int i = 0; i < 3; i++)
            {
                clients.Add(await ClientHost.StartOnRedisAsync(redis));
            }

            var caches = clients.Select(c => c.Cache).ToList();
            await ClusterWait.WaitForSilosAsync(caches[0], 2, Timeout);

            // (a) a third silo joins.
            var load = new ClusterLoad(caches);
            load.Start();
            await load.WaitForProgressAsync(50, Timeout);
            load.MarkEvent();
            var joinedAt = Stopwatch.StartNew();
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString));
            await ClusterWait.WaitForSpreadAsync(caches[0], 3, Timeout);
            var settled = joinedAt.Elapsed;
            await load.WaitForProgressAsync(100, Timeout);
            await load.StopAsync();
            var report = await load.VerifyAsync(caches[0]);
            Report("(a) join, real processes", $"{report}; spread after {settled.TotalSeconds:0.0} s: {await PartitionsAsync(caches[0])}");
            Assert.Equal(0, report.ClientErrors);
            Assert.Equal(0, report.AcknowledgedWritesLost);

            // (b) SIGTERM: the silo hands its partitions off, then leaves.
            load = new ClusterLoad(caches);
            load.Start();
            await load.WaitForProgressAsync(50, Timeout);
            load.MarkEvent();
            var stopping = silos[1];
            var stopWatch = Stopwatch.StartNew();
            Assert.Equal(0, await stopping.Process.StopAsync(Timeout));
            var stopTook = stopWatch.Elapsed;
            await ClusterWait.WaitForSilosAsync(caches[0], 2, Timeout);
            await load.WaitForProgressAsync(100, Timeout);
            await load.StopAsync();
            report = await load.VerifyAsync(caches[0]);
            Report("(b) SIGTERM, real processes", $"{report}; the silo stopped in {stopTook.TotalSeconds:0.0} s");
            Assert.Equal(0, report.ClientErrors);
            Assert.Equal(0, report.AcknowledgedWritesLost);

            // (c) SIGKILL: partitions come back from their replicas elsewhere.
            silos.Add(await SiloProcess.StartAsync(redis.ConnectionString));
            await ClusterWait.WaitForSpreadAsync(caches[0], 3, Timeout);
            load = new ClusterLoad(caches);
            load.Start();
            await load.WaitForProgressAsync(50, Timeout);
            load.MarkEvent();
            var killed = silos[^1];
            var killWatch = Stopwatch.StartNew();
            await killed.Process.KillAsync();
            await ClusterWait.WaitForSilosAsync(caches[0], 2, Timeout);
            var declaredDead = killWatch.Elapsed;
            await load.WaitForProgressAsync(100, Timeout);
            await load.StopAsync();
            report = await load.VerifyAsync(caches[0]);
            Report("(c) SIGKILL, 1 sync replica, real processes", $"{report}; declared dead after {declaredDead.TotalSeconds:0.0} s");
            Assert.Equal(0, report.AcknowledgedWritesLost);
            Assert.Equal(0, report.StaleReads);
        }
        catch
        {
            ProcessCluster.WriteLogs(output, silos);
            throw;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            await ProcessCluster.StopAllAsync(silos);
        }
    }

    [Fact]
    public async Task The_silo_serves_liveness_and_readiness_on_its_admin_port()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}") };
        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(0, await silo.Process.StopAsync(TimeSpan.FromSeconds(30)));
    }

    private void Report(string scenario, string text)
    {
        string line = $"{DateTime.UtcNow:u} {scenario}: {text}";
        output.WriteLine(line);
        var dir = Path.Combine(RepoPaths.Root, "TestResults");
        Directory.CreateDirectory(dir);
        File.AppendAllText(Path.Combine(dir, "cluster-scenarios.txt"), line + Environment.NewLine);
    }

    private static async Task<string> PartitionsAsync(IGridCache cache) =>
        string.Join(", ", (await cache.GetSiloStatisticsAsync()).Select(s => $"{s.Silo}: {s.Partitions} partitions"));
}

/// <summary>Tests that start several silo processes: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "process-cluster";
}
