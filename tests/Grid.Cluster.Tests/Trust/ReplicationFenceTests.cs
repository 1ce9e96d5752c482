using System.Text;
using Grid.Client;
using Grid.Cluster.Tests.Elasticity;
using Grid.Grains.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// Sync replication covers every change a caller makes, not only writes and deletes: a tag or pattern invalidation
/// returns only once the replicas dropped the entries too, so a primary that dies right after the call cannot bring
/// invalidated values back.
/// </summary>
public sealed class ReplicationFenceTests
{
    private const int Keys = 120;

    [Fact]
    public async Task Tag_invalidation_returns_only_after_the_replicas_dropped_the_entries()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 1);
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        var keys = await WriteTaggedAsync(cache, "fence-tag", "fence:tag");

        var invalidation = await WhileReplicationHeldAsync(scenario, cache, keys, () => cache.InvalidateTagAsync("fence-tag").AsTask());

        Assert.Equal(Keys, invalidation);
    }

    [Fact]
    public async Task Pattern_invalidation_returns_only_after_the_replicas_dropped_the_entries()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 1);
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        var keys = await WriteTaggedAsync(cache, "fence-pattern-tag", "fence:pattern");

        var invalidation = await WhileReplicationHeldAsync(scenario, cache, keys, () => cache.InvalidatePatternAsync("fence:pattern:*").AsTask());

        Assert.Equal(Keys, invalidation);
    }

    [Fact]
    public async Task Entries_invalidated_by_tag_stay_gone_when_their_primary_is_killed_right_after()
    {
        await using var scenario = await ScenarioCluster.StartAsync(3, clients: 1);
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        var keys = await WriteTaggedAsync(cache, "killed-tag", "killed:tag");

        Assert.Equal(Keys, await cache.InvalidateTagAsync("killed-tag"));
        var victim = scenario.Cluster.Silos[^1];
        await scenario.Cluster.KillSiloAsync(victim);
        await scenario.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(30));

        var values = await cache.GetManyAsync(keys);
        Assert.All(values, Assert.Null);
    }

    private static async Task<string[]> WriteTaggedAsync(GridCache cache, string tag, string prefix)
    {
        var keys = new string[Keys];
        var options = new GridEntryOptions { Tags = [tag] };
        for (int i = 0; i < Keys; i++)
        {
            keys[i] = $"{prefix}:{i}";
            await cache.SetAsync(keys[i], Encoding.UTF8.GetBytes("v"), options);
        }

        return keys;
    }

    /// <summary>
    /// Holds every silo's replication shipments, starts <paramref name="invalidate"/>, waits until its removals have run
    /// on the primaries (the keys read as missing), checks that the call is still waiting for its replicas, then lets
    /// replication go and returns the call's result.
    /// </summary>
    private static async Task<long> WhileReplicationHeldAsync(ScenarioCluster scenario, GridCache cache, string[] keys, Func<Task<long>> invalidate)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        foreach (var outbox in outboxes)
        {
            outbox.BeforeShip = () => gate.Task;
        }

        try
        {
            var invalidation = invalidate();
            await Poll.UntilAsync(async () => (await cache.GetManyAsync(keys)).All(v => v is null), TimeSpan.FromSeconds(30), "the invalidated keys read as missing on their primaries");

            // The removals ran; the replicas have not heard of them, so the call must not have answered.
            var first = await Task.WhenAny(invalidation, Task.Delay(TimeSpan.FromMilliseconds(500)));
            Assert.NotSame(invalidation, first);

            gate.SetResult();
            return await invalidation.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            gate.TrySetResult();
            foreach (var outbox in outboxes)
            {
                outbox.BeforeShip = null;
            }
        }
    }
}
