using System.Text;
using Grid.Client;
using Grid.Cluster.Tests.Elasticity;
using Grid.Grains.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// A replication call that is never answered (lost on its way, as seen while a silo stopped) is sent again after
/// <c>Grid:Replication:ShipTimeout</c>: the sync writes waiting for it complete within their deadline instead of
/// waiting for Orleans' 30 s response timeout, and every silo's queue drains (each write acknowledged by its replica).
/// </summary>
public sealed class LostShipmentTests
{
    [Fact]
    public async Task A_shipment_never_answered_is_sent_again_after_its_bound_and_the_waiting_write_completes()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 1, configure: o => o.Replication.ShipTimeout = TimeSpan.FromMilliseconds(500));
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false }, OperationTimeout = TimeSpan.FromSeconds(8) });
        await cache.SetAsync("lost:warm", Encoding.UTF8.GetBytes("v"));

        // From now on each silo's next shipment goes nowhere (its call never answers); the ones after it get through.
        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        var lost = new int[outboxes.Length];
        for (int i = 0; i < outboxes.Length; i++)
        {
            int silo = i;
            outboxes[i].BeforeShip = () => Interlocked.Increment(ref lost[silo]) == 1 ? new TaskCompletionSource().Task : Task.CompletedTask;
        }

        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                await cache.SetAsync($"lost:{i}", Encoding.UTF8.GetBytes($"v{i}"));
            }

            // Every write waited for its replica (sync mode); the lost shipment cost one bound, not the response timeout.
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(6), $"20 writes took {started.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains(lost, calls => calls >= 2);
            await Poll.UntilAsync(() => Task.FromResult(outboxes.All(o => o.PendingCount == 0)), TimeSpan.FromSeconds(10), "every silo's replication queue drained");
        }
        finally
        {
            foreach (var outbox in outboxes)
            {
                outbox.BeforeShip = null;
            }
        }
    }
}
