using System.Runtime.CompilerServices;
using System.Text;
using Grid.Client.Connection;
using Grid.Client.Dispatch;
using Grid.Client.Metrics;
using Grid.Client.NearCache;
using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// The near cache's miss path without a cluster (<see cref="NearCacheReads.ReadAsync"/> over a fake silo entry): concurrent
/// misses of one key share one tracked grid read (the single flight is the tracked op itself), and a joiner that gives
/// up ends only its own wait, never the read nor the other callers'.
/// </summary>
public sealed class NearCacheMissFlightTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeRoutingCluster _cluster = new();
    private readonly SiloAddress _silo = TestOps.Silo(1);
    private readonly PartitionRouter _router;
    private readonly GridClientMetrics _metrics;
    private readonly NearCacheReads _reads;

    public NearCacheMissFlightTests()
    {
        var options = new GridClientOptions { PartitionCount = 16, MaxBatchesInFlight = 1 };
        var sequencer = new RequestSequencer();
        _router = new PartitionRouter(_cluster, options, NullLogger.Instance, sequencer);
        _cluster.SetHosts((_silo, SiloStatus.Active));
        _router.Apply([_silo]);

        // Connected as far as the dispatcher asks: connecting would read cluster information the fake does not serve.
        var connection = new ClusterConnection(null!, options, _router, null, NullLogger.Instance);
        Connected(connection) = true;

        var near = new NearCacheStore(options.PartitionCount, options.NearCache.MaxEntries, options.NearCache.MaxBytes, TimeProvider.System, options.NearCache.Admission);
        var statistics = new ClientReadStatistics(near);
        _metrics = new GridClientMetrics(null, statistics);
        var dispatcher = new OperationDispatcher(connection, sequencer, _metrics.Operations, options);
        _reads = new NearCacheReads(near, dispatcher, statistics, _metrics.Operations, options);
    }

    public void Dispose()
    {
        _router.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Concurrent_misses_of_one_key_share_one_grid_read()
    {
        var leader = Read("k");
        var second = Read("k");
        var third = Read("k");

        var call = await _cluster[_silo].WaitForCallAsync(1, Bound);
        Assert.Equal("k", Assert.Single(call.Ops).Key);
        Assert.False(leader.IsCompleted || second.IsCompleted || third.IsCompleted, "a caller finished before the grid answered");
        call.Answer(_ => GridResult.OfValue(Encoding.UTF8.GetBytes("value")));

        foreach (var read in new[] { leader, second, third })
        {
            Assert.Equal("value", Encoding.UTF8.GetString((await read.WaitAsync(Bound))!));
        }

        // One read reached the silo for all three callers; each got its own array (a joiner's copy may not be shared).
        Assert.Single(_cluster[_silo].Calls);
        Assert.NotSame(await second, await third);
    }

    [Fact]
    public async Task A_joiners_cancellation_ends_only_its_own_wait()
    {
        using var joinerGivesUp = new CancellationTokenSource();
        var leader = Read("k");
        var quitter = Read("k", joinerGivesUp.Token);
        var stayer = Read("k");
        var call = await _cluster[_silo].WaitForCallAsync(1, Bound);

        await joinerGivesUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter.WaitAsync(Bound));
        Assert.False(leader.IsCompleted, "the leader's read ended with a joiner's cancellation");
        Assert.False(stayer.IsCompleted, "another joiner's wait ended with a joiner's cancellation");

        // The shared read is still under way: its answer reaches the leader and the joiner that stayed.
        call.Answer(_ => GridResult.OfValue(Encoding.UTF8.GetBytes("value")));
        Assert.Equal("value", Encoding.UTF8.GetString((await leader.WaitAsync(Bound))!));
        Assert.Equal("value", Encoding.UTF8.GetString((await stayer.WaitAsync(Bound))!));
        Assert.Single(_cluster[_silo].Calls);
    }

    [Fact]
    public async Task A_write_that_ends_while_a_read_is_under_way_sends_later_readers_to_the_grid_again()
    {
        var before = Read("k");
        var first = await _cluster[_silo].WaitForCallAsync(1, Bound);

        // This client's write of the key ended meanwhile: the read sent before it may carry the old value.
        _reads.WriteEnded("k", partition: 0);
        var after = Read("k");
        first.Answer(_ => GridResult.OfValue(Encoding.UTF8.GetBytes("old")));
        var second = await _cluster[_silo].WaitForCallAsync(2, Bound);
        second.Answer(_ => GridResult.OfValue(Encoding.UTF8.GetBytes("new")));

        Assert.Equal("old", Encoding.UTF8.GetString((await before.WaitAsync(Bound))!));
        Assert.Equal("new", Encoding.UTF8.GetString((await after.WaitAsync(Bound))!));
    }

    [Fact]
    public async Task Once_every_read_has_ended_no_flight_is_counted_open()
    {
        // The counts let writes skip the flights dictionary; one left too high only costs that, one too low would let a
        // reader join a read sent before a write, so they must come back to exactly 0 whichever way the reads end.
        using var leaderGivesUp = new CancellationTokenSource();
        var leader = Read("a", leaderGivesUp.Token);
        var joiner = Read("a");
        var other = Read("b");
        var call = await _cluster[_silo].WaitForCallAsync(1, Bound);
        Assert.Equal(2, FlightsOpen(_reads).Sum());

        await leaderGivesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader.WaitAsync(Bound));
        call.Answer(op => GridResult.OfValue(Encoding.UTF8.GetBytes(op.Key)));
        Assert.Equal("a", Encoding.UTF8.GetString((await joiner.WaitAsync(Bound))!));

        // One batch in flight at a time: the other key's read left once the first call was answered.
        (await _cluster[_silo].WaitForCallAsync(2, Bound)).Answer(op => GridResult.OfValue(Encoding.UTF8.GetBytes(op.Key)));
        Assert.Equal("b", Encoding.UTF8.GetString((await other.WaitAsync(Bound))!));

        Assert.All(FlightsOpen(_reads), open => Assert.Equal(0, open));
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_flightsOpen")]
    private static extern ref int[] FlightsOpen(NearCacheReads reads);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_connected")]
    private static extern ref bool Connected(ClusterConnection connection);

    private Task<byte[]?> Read(string key, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync(key, NearCacheTable.HashOf(key), Encoding.UTF8.GetBytes(key), null, cancellationToken).AsTask();
}
