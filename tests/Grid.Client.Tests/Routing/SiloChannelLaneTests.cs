using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;

namespace Grid.Client.Tests.Routing;

/// <summary>
/// A <see cref="SiloChannel"/> toward a silo with several data-plane entry activations: each operation goes on the
/// lane of its partition (partition mod lanes), lanes batch independently, and the control activation sees no data.
/// </summary>
public sealed class SiloChannelLaneTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeSiloEntryGrain[] _entries = [new(), new(), new()];
    private readonly FakeBatchListener _listener = new() { DataPlaneShards = 2 };

    private SiloChannel Channel(int maxInFlight = 1) =>
        new(TestOps.Silo(1), shard => _entries[shard], _listener, maxBatch: 256, maxInFlight);

    [Fact]
    public void Each_partition_goes_on_its_lane_and_the_control_entry_gets_no_data()
    {
        var channel = Channel();

        channel.Enqueue(TestOps.Pending(TestOps.Get("even"), partition: 4));
        channel.Enqueue(TestOps.Pending(TestOps.Get("odd"), partition: 7));

        Assert.Empty(_entries[0].Calls);
        Assert.Equal(["even"], Assert.Single(_entries[1].Calls).Keys);
        Assert.Equal(["odd"], Assert.Single(_entries[2].Calls).Keys);
        Assert.Equal(2, channel.Lanes.Length);
    }

    [Fact]
    public async Task A_slow_batch_on_one_lane_does_not_delay_another_lanes_batch()
    {
        var channel = Channel(maxInFlight: 1);
        var slow = TestOps.Pending(TestOps.Get("slow"), partition: 0);
        var queued = TestOps.Pending(TestOps.Get("queued"), partition: 2);
        var other = TestOps.Pending(TestOps.Get("other"), partition: 1);

        channel.Enqueue(slow);
        channel.Enqueue(queued);
        channel.Enqueue(other);

        // Lane 1's only slot is held by the slow call (its next op waits); lane 2 sent at once and is answered.
        Assert.Equal(["slow"], Assert.Single(_entries[1].Calls).Keys);
        Assert.Equal(["other"], Assert.Single(_entries[2].Calls).Keys);
        _entries[2][0].Answer(_ => GridResult.OfNumber(2));
        Assert.Equal(2, (await other.Task.WaitAsync(Bound)).Number);
        Assert.False(slow.Task.IsCompleted);
        Assert.False(queued.Task.IsCompleted);

        _entries[1][0].Answer(_ => GridResult.OfNumber(1));
        Assert.Equal(1, (await slow.Task.WaitAsync(Bound)).Number);
        Assert.Equal(["queued"], _entries[1][1].Keys);
    }

    [Fact]
    public void A_range_is_split_per_lane_keeping_each_partitions_order()
    {
        var channel = Channel(maxInFlight: 4);
        var ops = new List<PendingOp>
        {
            TestOps.Pending(TestOps.Set("p0-first"), partition: 0),
            TestOps.Pending(TestOps.Set("p1-first"), partition: 1),
            TestOps.Pending(TestOps.Set("p0-second"), partition: 0),
            TestOps.Pending(TestOps.Set("p1-second"), partition: 1),
        };

        channel.EnqueueRange(ops);

        Assert.Equal(["p0-first", "p0-second"], Assert.Single(_entries[1].Calls).Keys);
        Assert.Equal(["p1-first", "p1-second"], Assert.Single(_entries[2].Calls).Keys);
    }

    [Fact]
    public void Lanes_are_made_at_the_first_send_from_the_clusters_shard_count()
    {
        _listener.DataPlaneShards = 1;
        var channel = Channel();
        _listener.DataPlaneShards = 2;

        channel.Enqueue(TestOps.Pending(TestOps.Get("k"), partition: 1));

        Assert.Equal(2, channel.Lanes.Length);
        Assert.Single(_entries[2].Calls);
    }

    [Fact]
    public void Watchdog_passes_before_the_first_send_do_not_fix_the_lane_count()
    {
        // The watchdog checks every channel from the start, maybe before the cluster told the client its shard count.
        _listener.DataPlaneShards = 1;
        var channel = Channel();
        channel.CheckDeadlines(now: 0, batchTimeout: 1_000);
        channel.AbandonSentBefore(0, new InvalidOperationException("test"));
        Assert.Equal(0, channel.InFlightCount);
        _listener.DataPlaneShards = 2;

        channel.Enqueue(TestOps.Pending(TestOps.Get("k"), partition: 1));

        Assert.Equal(2, channel.Lanes.Length);
        Assert.Single(_entries[2].Calls);
    }
}
