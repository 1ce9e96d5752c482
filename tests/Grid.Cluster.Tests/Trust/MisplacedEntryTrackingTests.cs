// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Text;
using Grid.Protocol;
using GridOp = grains::Grid.Protocol.GridOp;
using OpFlags = grains::Grid.Protocol.OpFlags;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;
using ResultStatus = grains::Grid.Protocol.ResultStatus;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// A silo's entry activation placed on another silo (the named silo had just joined and was not yet known where the
/// call arrived, or had left) must not track keys for the client: the client's tracking slot was given by the named
/// silo's near-cache hub, so the store here would push that client's invalidations to whichever client holds the slot
/// on this silo, and the client would keep serving a copy nobody invalidates (seen as stale near-cache reads for seconds
/// after a fourth silo joined, in the fault-injection suite).
/// </summary>
public sealed class MisplacedEntryTrackingTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Keys = 64;

    [Fact]
    public async Task An_entry_activation_away_from_its_silo_answers_reads_untracked()
    {
        var ops = new GridOp[Keys];
        for (int i = 0; i < Keys; i++)
        {
            string key = $"misplaced:{Guid.NewGuid():N}";
            await fixture.Cache.SetAsync(key, Encoding.UTF8.GetBytes("v"));
            ops[i] = new GridOp { Code = OpCode.Get, Key = Encoding.UTF8.GetBytes(key), Flags = OpFlags.Track };
        }

        var frame = OpFrame.Encode(ops, trackingSlot: 0);

        // Control: on its own silo, the entry tracks the keys whose partitions live there.
        var named = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(fixture.Cluster.Silos[0].SiloAddress.ToParsableString() + "#0");
        var home = ResultFrame.Decode((await named.Execute(frame)).ResultFrame);
        Assert.Contains(home, r => r.Tracked);

        // An entry naming a silo no one knows is placed where the call lands.
        // It leaves as soon as it is idle, so a call usually finds it leaving and is rejected (the client sends such calls
        // again, by then to the right silo); a call it does serve must come back untracked.
        var misplaced = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>("127.0.0.1:1@1#0");
        for (int attempt = 0; attempt < 20; attempt++)
        {
            SiloBatchResult answer;
            try
            {
                answer = await misplaced.Execute(frame);
            }
            catch (Orleans.Runtime.OrleansMessageRejectionException)
            {
                continue;
            }

            var away = ResultFrame.Decode(answer.ResultFrame);
            Assert.All(away, r => Assert.Equal(ResultStatus.Ok, r.Status));
            Assert.DoesNotContain(away, r => r.Tracked);
        }
    }

    [Fact]
    public async Task A_near_cache_hub_activation_away_from_its_silo_refuses_subscriptions()
    {
        var observer = fixture.Cluster.Client.CreateObjectReference<IInvalidationObserver>(new IgnoringObserver());
        var misplaced = fixture.Cluster.Client.GetGrain<INearCacheHubGrain>("127.0.0.1:1@1#hub");
        await Assert.ThrowsAsync<InvalidOperationException>(() => misplaced.Subscribe(Guid.NewGuid(), observer));
        await Assert.ThrowsAsync<InvalidOperationException>(() => misplaced.GetSequences(Guid.NewGuid()));

        // On its own silo it subscribes.
        var named = fixture.Cluster.Client.GetGrain<INearCacheHubGrain>(fixture.Cluster.Silos[0].SiloAddress.ToParsableString() + "#hub");
        var subscription = await named.Subscribe(Guid.NewGuid(), observer);
        Assert.True(subscription.Slot >= 0);
    }

    private sealed class IgnoringObserver : IInvalidationObserver
    {
        public Task OnInvalidated(InvalidationBatch batch) => Task.CompletedTask;

        public Task OnInvalidatedConfirmed(InvalidationBatch batch) => Task.CompletedTask;
    }
}
