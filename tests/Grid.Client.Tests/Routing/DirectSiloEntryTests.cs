using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Client.Tests.Routing;

/// <summary>
/// <see cref="DirectSiloEntry"/>: a lane's batches go to the silo's direct entry while the route allows it, never
/// overtaking a batch still out through the entry grain, and back to the grain when a direct call is refused unrun.
/// </summary>
public sealed class DirectSiloEntryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeSiloEntryGrain _grain = new();
    private readonly FakeDirectEntry _direct = new();

    private static DirectRoute Usable() => new(TestOps.Silo(1), listed: true, listedSince: Environment.TickCount64 - DirectRoute.DefaultListedFor);

    private static byte[] Frame() => OpFrame.Encode([TestOps.Get("k")]);

    [Fact]
    public void Batches_go_to_the_direct_entry_with_the_lanes_shard_while_the_route_is_usable()
    {
        var entry = new DirectSiloEntry(_grain, _direct, shard: 3, Usable());

        _ = entry.Execute(Frame());
        _ = entry.Execute(Frame());

        Assert.Equal([3, 3], _direct.Shards);
        Assert.Empty(_grain.Calls);
    }

    [Fact]
    public void Batches_go_to_the_entry_grain_while_the_gateway_is_not_known_long_enough()
    {
        var entry = new DirectSiloEntry(_grain, _direct, shard: 1, new DirectRoute(TestOps.Silo(1), listed: true, listedSince: Environment.TickCount64));

        _ = entry.Execute(Frame());

        Assert.Single(_grain.Calls);
        Assert.Empty(_direct.Shards);
    }

    [Fact]
    public async Task A_batch_out_through_the_grain_keeps_the_next_on_the_grain_until_it_is_answered()
    {
        var route = new DirectRoute(TestOps.Silo(1), listed: false, listedSince: 0);
        var entry = new DirectSiloEntry(_grain, _direct, shard: 1, route);
        var first = entry.Execute(Frame());

        route.Seen(listed: true, Environment.TickCount64 - DirectRoute.DefaultListedFor);
        Assert.True(route.IsUsable(Environment.TickCount64));
        var second = entry.Execute(Frame());
        Assert.Equal(2, _grain.Calls.Length);
        Assert.Empty(_direct.Shards);

        _grain[0].Answer(_ => GridResult.OfNumber(1));
        _grain[1].Answer(_ => GridResult.OfNumber(2));
        await first.WaitAsync(Bound);
        await second.WaitAsync(Bound);

        _ = entry.Execute(Frame());
        Assert.Equal([1], _direct.Shards);
        Assert.Equal(2, _grain.Calls.Length);
    }

    [Fact]
    public async Task A_direct_call_refused_unrun_fails_as_refused_and_turns_the_lane_to_the_grain()
    {
        var route = Usable();
        var entry = new DirectSiloEntry(_grain, _direct, shard: 1, route);
        var refused = entry.Execute(Frame());

        _direct.Answer(0).SetException(new SiloUnavailableException("Silo 127.0.0.1:30001 is unavailable"));

        await Assert.ThrowsAsync<SiloUnavailableException>(() => refused.WaitAsync(Bound));
        Assert.False(route.IsUsable(Environment.TickCount64));
        _ = entry.Execute(Frame());
        Assert.Single(_grain.Calls);
    }

    [Fact]
    public async Task A_direct_call_that_may_have_run_leaves_the_route_as_it_was()
    {
        var route = Usable();
        var entry = new DirectSiloEntry(_grain, _direct, shard: 1, route);
        var timedOut = entry.Execute(Frame());

        _direct.Answer(0).SetException(new TimeoutException("no answer"));

        await Assert.ThrowsAsync<TimeoutException>(() => timedOut.WaitAsync(Bound));
        Assert.True(route.IsUsable(Environment.TickCount64));
    }

    [Fact]
    public async Task Everything_but_batches_goes_to_the_entry_grain()
    {
        var entry = new DirectSiloEntry(_grain, _direct, shard: 1, Usable());

        await Assert.ThrowsAnyAsync<Exception>(() => entry.GetStatistics());

        Assert.Empty(_direct.Shards);
    }
}
