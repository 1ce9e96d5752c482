using System.Net;
using Grid.Grains.Cluster;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Runtime;

namespace Grid.Core.Tests.Replication;

/// <summary>
/// Activating partitions ask each other silo for its replica's version coalesced: asks made while a call to that silo
/// is under way leave together as the next call, each answered as the per-partition call answered; a call that outlives
/// its bound fails only its own asks, and a silo that does not know the coalesced call is asked one partition at a time.
/// </summary>
public sealed class ReplicaVersionAsksTests
{
    private static readonly SiloAddress Other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task Asks_made_while_a_call_is_under_way_leave_together_as_the_next_call()
    {
        var agent = new FakeAgent();
        var asks = new ReplicaVersionAsks(_ => agent, TimeSpan.FromSeconds(30));
        var first = asks.AskAsync(Other, 1);
        await UntilAsync(() => agent.CallCount == 1);

        var queued = Enumerable.Range(2, 100).Select(p => asks.AskAsync(Other, p)).ToArray();
        Assert.Equal(1, agent.CallCount);
        agent.ReleaseFirst.SetResult();

        Assert.Equal(10L, await first);
        Assert.Equal(Enumerable.Range(2, 100).Select(p => p * 10L), await Task.WhenAll(queued));
        Assert.Equal(2, agent.CallCount);
        Assert.Equal(Enumerable.Range(2, 100), agent.Batches[1]);
        Assert.Equal(101L, asks.Asks);
        Assert.Equal(2L, asks.Calls);
    }

    [Fact]
    public async Task A_partition_without_a_replica_there_is_answered_minus_one()
    {
        var agent = new FakeAgent { VersionOf = p => p == 7 ? -1 : p * 10 };
        agent.ReleaseFirst.SetResult();
        var asks = new ReplicaVersionAsks(_ => agent, TimeSpan.FromSeconds(30));

        Assert.Equal(-1L, await asks.AskAsync(Other, 7));
        Assert.Equal(80L, await asks.AskAsync(Other, 8));
    }

    [Fact]
    public async Task A_call_that_outlives_its_bound_fails_its_asks_and_does_not_hold_later_ones()
    {
        var agent = new FakeAgent();
        var asks = new ReplicaVersionAsks(_ => agent, TimeSpan.FromMilliseconds(200));

        // The first call never comes back.
        await Assert.ThrowsAsync<TimeoutException>(() => asks.AskAsync(Other, 1));

        Assert.Equal(20L, await asks.AskAsync(Other, 2));
    }

    [Fact]
    public async Task A_silo_that_does_not_know_the_coalesced_call_is_asked_one_partition_at_a_time()
    {
        var agent = new FakeAgent { KnowsCoalescedCall = false };
        agent.ReleaseFirst.SetResult();
        var logger = new FakeLogger<ReplicaVersionAsks>();
        var asks = new ReplicaVersionAsks(_ => agent, TimeSpan.FromSeconds(30), logger);

        var answers = await Task.WhenAll(Enumerable.Range(1, 5).Select(p => asks.AskAsync(Other, p)));

        Assert.Equal(new long[] { 10, 20, 30, 40, 50 }, answers);
        Assert.Equal(5, agent.SingleCalls);

        // Each failed coalesced call (one or more, as the asks happened to queue) is reported, naming the silo, with its error.
        var warnings = logger.Collector.GetSnapshot().Where(record => record.Level == LogLevel.Warning).ToArray();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, warning => Assert.Contains(Other.ToString(), warning.Message, StringComparison.Ordinal));
        Assert.All(warnings, warning => Assert.IsType<NotSupportedException>(warning.Exception));
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the first call");
            await Task.Delay(5);
        }
    }

    /// <summary>An agent whose first coalesced call waits for <see cref="ReleaseFirst"/>; it answers partition × 10.</summary>
    private sealed class FakeAgent : ISiloAgentGrain
    {
        private int _singleCalls;

        public TaskCompletionSource ReleaseFirst { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<int, long> VersionOf { get; init; } = p => p * 10L;

        public bool KnowsCoalescedCall { get; init; } = true;

        public Task<GridRebalanceProgress> GetRebalanceProgress() => throw new NotSupportedException();

        public Task<GridRebalanceSettings> GetRebalanceSettings() => throw new NotSupportedException();

        public Task<GridRebalanceSettings> ApplyRebalanceSettings(GridRebalanceSettings settings) => throw new NotSupportedException();

        public List<int[]> Batches { get; } = [];

        public int CallCount
        {
            get
            {
                lock (Batches)
                {
                    return Batches.Count;
                }
            }
        }

        public int SingleCalls => Volatile.Read(ref _singleCalls);

        public async Task<long[]> GetReplicaVersions(int[] partitions)
        {
            int call;
            lock (Batches)
            {
                Batches.Add(partitions);
                call = Batches.Count;
            }

            if (!KnowsCoalescedCall)
            {
                throw new NotSupportedException("An earlier release: no coalesced call.");
            }

            if (call == 1)
            {
                await ReleaseFirst.Task;
            }

            return partitions.Select(VersionOf).ToArray();
        }

        public Task<long> GetReplicaVersion(int partition)
        {
            Interlocked.Increment(ref _singleCalls);
            return Task.FromResult(VersionOf(partition));
        }

        public Task<SiloLoad> GetLoad() => throw new NotSupportedException();

        public Task<int[]> Replicate(byte[] frame) => throw new NotSupportedException();

        public Task<StoreSnapshot?> GetReplica(int partition) => throw new NotSupportedException();

        public Task<bool> Park(int partition, StoreSnapshot snapshot) => throw new NotSupportedException();

        public Task<TagPairsAnswer> CollectTagPairs(int bucket, int shard, PartitionSet? partitions) => throw new NotSupportedException();
    }
}
