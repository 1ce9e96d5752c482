using System.Globalization;
using System.Text;
using Grid.Client;
using Grid.Grains.Balancing;
using Grid.Grains.Partitions;
using Grid.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>
/// Watching and steering a rebalance: scale 1 → 3 with 200,000 entries under a light load, paused halfway (every key
/// still readable, progress standing still), resumed to 100 %, nothing lost; and a silo joining a paused cluster.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class RebalanceSteeringTests(ITestOutputHelper output)
{
    private const int EntryCount = 200_000;
    private const int Partitions = 1024;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_rebalance_paused_halfway_serves_every_key_stands_still_and_resumed_reaches_100_percent_losing_nothing()
    {
        // Slowed down so that there is a "halfway" to pause at: 2 MB/s and 2 moves at a time per silo. The settle delay
        // lets both new silos join before the one pass that moves partitions to their owners among three.
        await using var scenario = await ScenarioCluster.StartAsync(silos: 1, clients: 2, configure: o =>
        {
            o.Balancing.SettleDelay = TimeSpan.FromSeconds(2);
            o.Balancing.MaxConcurrentMoves = 2;
            o.Balancing.MaxBytesPerSecond = 2_000_000;
        });
        var cache = scenario.Caches[0];
        var first = scenario.Cluster.Silos[0];
        string firstSilo = first.SiloAddress.ToParsableString();
        var keys = await WriteEntriesAsync(cache);
        var load = new ClusterLoad(scenario.Caches, loopsPerClient: 2, keysPerLoop: 100);
        load.Start();
        await load.WaitForProgressAsync(20, Step);

        load.MarkEvent();
        var started = DateTime.UtcNow;
        await scenario.Cluster.StartSilosAsync(2);
        await scenario.WaitForActiveSilosAsync(3, Step);

        // Halfway: at least 30 % of the partitions moved.
        GridRebalanceStatus status = null!;
        await Poll.UntilAsync(async () =>
        {
            status = await cache.GetRebalanceStatusAsync();
            return status.Silos.Length == 3 && status.Total.PartitionsToMove > 0 && status.Total.Percent >= 30;
        }, TimeSpan.FromSeconds(60), "30 % of the partitions moved");
        Assert.True(status.Total.Percent < 100, $"the rebalance ended before it could be paused: {status.Total}");

        var paused = await cache.ChangeRebalanceAsync(new GridRebalanceChange { Paused = true });
        Assert.True(paused.Paused);
        Assert.All(scenario.Cluster.Silos, silo => Assert.True(silo.ServiceProvider.GetRequiredService<RebalanceSteering>().Current.Paused));

        // Moves under way finish; then nothing moves.
        await Poll.UntilAsync(async () =>
        {
            status = await cache.GetRebalanceStatusAsync();
            return status.Total.InFlight == 0;
        }, Step, "the moves under way finish");
        var atPause = status;
        var livePerSilo = scenario.PartitionsPerSilo();
        int leftFirst = Partitions - first.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All.Length;
        var firstAtPause = atPause.Silos.Single(s => s.Silo == firstSilo);
        // The first silo only gives partitions away, so what left it is what it moved (over every pass since it started).
        ScenarioReport.Write(output, "rebalance paused", $"after {(DateTime.UtcNow - started).TotalSeconds:0.0} s: reported {atPause.Total.PartitionsMoved} of {atPause.Total.PartitionsToMove} partitions " +
            $"({atPause.Total.Percent:0.0} %), {atPause.Total.BytesMoved} of {atPause.Total.BytesToMove} bytes ({atPause.Total.BytesPercent:0.0} %), at {atPause.Total.BytesPerSecond:0} B/s; " +
            $"first silo reported {firstAtPause.PartitionsMoved} of {firstAtPause.PartitionsToMove} ({firstAtPause.Percent:0.0} %), {firstAtPause.TotalPartitionsMoved} since it started; " +
            $"{leftFirst} actually left it ({100.0 * leftFirst / Math.Max(1, firstAtPause.PartitionsToMove + firstAtPause.TotalPartitionsMoved - firstAtPause.PartitionsMoved):0.0} % of what it had to move)");
        Assert.Equal(leftFirst, firstAtPause.TotalPartitionsMoved);

        // Every key is served while paused (its partition is where it was), and progress stands still meanwhile. Read
        // through the client that did not write them (its near cache holds at most 10,000 of them anyway).
        long missingWhilePaused = await CountMissingAsync(scenario.Caches[1], keys);
        await load.WaitForProgressAsync(20, Step);
        var later = await cache.GetRebalanceStatusAsync();
        Assert.Equal(0, missingWhilePaused);
        Assert.Equal(atPause.Total.PartitionsMoved, later.Total.PartitionsMoved);

        // Nothing moves, but the total to move may be re-based: a pass waiting at the pause ends when the silo's cluster
        // view changes (under load one silo's view can lag the others'), and the next pass counts what it finds then (CI run
        // 4 of f561d63, beside full rebuilds: 704 at the pause, 705 later, nothing moved).
        Assert.InRange(later.Total.PartitionsToMove, later.Total.PartitionsMoved, Partitions);
        Assert.Equal(0, later.Total.InFlight);
        Assert.Equal(livePerSilo, scenario.PartitionsPerSilo());
        Assert.True(later.Settings.Paused);

        // Resumed, with the byte limit lifted at run time: to 100 %.
        var resumed = await cache.ChangeRebalanceAsync(new GridRebalanceChange { Paused = false, BytesPerSecond = 0 });
        Assert.False(resumed.Paused);
        Assert.Equal(0, resumed.BytesPerSecond);
        Assert.Equal(2, resumed.MaxConcurrentMoves);
        await Poll.UntilAsync(async () =>
        {
            status = await cache.GetRebalanceStatusAsync();
            return status.Total.Percent >= 100 && status.Total.InFlight == 0 && scenario.IsBalanced(Partitions);
        }, TimeSpan.FromSeconds(60), "the rebalance reaches 100 %");
        await load.WaitForProgressAsync(20, Step);
        await load.StopAsync();

        int leftAtEnd = Partitions - first.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All.Length;
        var firstAtEnd = status.Silos.Single(s => s.Silo == firstSilo);
        long missing = await CountMissingAsync(cache, keys);
        var report = await load.VerifyAsync(cache);
        ScenarioReport.Write(output, "rebalance resumed", $"after {(DateTime.UtcNow - started).TotalSeconds:0.0} s: reported {status.Total.Percent:0.0} % ({status.Total.PartitionsMoved} of {status.Total.PartitionsToMove}); " +
            $"first silo reported {firstAtEnd.PartitionsMoved} of {firstAtEnd.PartitionsToMove} ({firstAtEnd.Percent:0.0} %), {firstAtEnd.TotalPartitionsMoved} since it started, {leftAtEnd} actually left it; " +
            $"{missing} of {EntryCount} entries missing; {report}");
        Assert.Equal(100, status.Total.Percent);
        Assert.Equal(leftAtEnd, firstAtEnd.TotalPartitionsMoved);
        Assert.Equal(0, missing);
        Assert.Equal(0, report.ClientErrors);
        Assert.Equal(0, report.AcknowledgedWritesLost);
        Assert.Equal(0, report.StaleReads);
    }

    [Fact]
    public async Task A_silo_that_joins_a_paused_cluster_takes_the_newest_settings_from_its_peers()
    {
        await using var scenario = await ScenarioCluster.StartAsync(silos: 2, clients: 1);
        var cache = scenario.Caches[0];

        var settings = await cache.ChangeRebalanceAsync(new GridRebalanceChange { Paused = true, MaxConcurrentMoves = 3, BytesPerSecond = 5_000_000 });
        Assert.Equal(1, settings.Version);

        var joined = await scenario.Cluster.StartAdditionalSiloAsync();
        await scenario.WaitForActiveSilosAsync(3, Step);

        Assert.Equal(settings, joined.ServiceProvider.GetRequiredService<RebalanceSteering>().Current);

        // The silo that answers learns of the join within its own membership refresh, which may lag the client's view:
        // until then it lists the new silo with an error (its agent could not be reached yet).
        var status = await cache.GetRebalanceStatusAsync();
        await Poll.UntilAsync(
            async () => (status = await cache.GetRebalanceStatusAsync()).Silos.Length == 3 && status.Silos.All(silo => silo.Error is null),
            TimeSpan.FromSeconds(20),
            "every silo answered the rebalance status");
        Assert.Equal(settings, status.Settings);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await cache.ChangeRebalanceAsync(new GridRebalanceChange { MaxConcurrentMoves = 0 }));
        Assert.Contains("between 1 and 256", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string[]> WriteEntriesAsync(IGridCache cache)
    {
        var keys = new string[EntryCount];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = "steer:" + i.ToString(CultureInfo.InvariantCulture);
        }

        // Four chunks at a time: the test stays within its time bound on a busy machine.
        var writes = new List<Task>();
        for (int i = 0; i < keys.Length; i += 5_000)
        {
            var chunk = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(5_000);
            for (int j = i; j < i + 5_000; j++)
            {
                chunk.Add(KeyValuePair.Create(keys[j], (ReadOnlyMemory<byte>)Value(keys[j])));
            }

            writes.Add(cache.SetManyAsync(chunk).AsTask());
            if (writes.Count == 4)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }

        await Task.WhenAll(writes);
        return keys;
    }

    /// <summary>The key, padded to 64 bytes, so that partitions have bytes worth throttling.</summary>
    private static byte[] Value(string key) => Encoding.ASCII.GetBytes(key.PadRight(64, '.'));

    private static async Task<long> CountMissingAsync(IGridCache cache, string[] keys)
    {
        long missing = 0;
        for (int i = 0; i < keys.Length; i += 20_000)
        {
            // Four chunks of 5,000 at a time.
            var reads = new Task<byte[]?[]>[4];
            for (int c = 0; c < reads.Length; c++)
            {
                reads[c] = cache.GetManyAsync(keys[(i + c * 5_000)..(i + (c + 1) * 5_000)]).AsTask();
            }

            for (int c = 0; c < reads.Length; c++)
            {
                var values = await reads[c];
                for (int j = 0; j < values.Length; j++)
                {
                    if (values[j] is not { } value || !value.AsSpan().SequenceEqual(Value(keys[i + c * 5_000 + j])))
                    {
                        missing++;
                    }
                }
            }
        }

        return missing;
    }
}
