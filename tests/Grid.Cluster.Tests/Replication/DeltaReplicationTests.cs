using Grid.Tests.Shared.Replication;
using System.Text;
using Grid.Client;
using Grid.Cluster.Tests.Elasticity;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Cluster.Tests.Replication;

/// <summary>
/// Hashes and lists replicate the operation's change (a field, a few elements), not the whole structure: after a few
/// thousand random hash, list and string operations in sync mode every replica holds exactly what its primary holds,
/// and once the primary silo is killed the new owners serve exactly what the operations left.
/// </summary>
[Collection(ElasticityCollection.Name)]
public sealed class DeltaReplicationTests
{
    private const int Operations = 3_000;
    private const int KeysPerType = 24;

    [Fact]
    public async Task Replicas_equal_their_primaries_after_random_hash_list_and_string_ops_and_serve_them_after_a_kill()
    {
        await using var scenario = await ScenarioCluster.StartAsync(2, clients: 0);
        var cache = await GridCache.ConnectAsync(scenario.Cluster.Client, new GridClientOptions { NearCache = { Enabled = false } });
        var model = new Model();
        var random = new Random(20261204);
        for (int i = 0; i < Operations; i++)
        {
            await RandomOpAsync(cache, model, random);
        }

        // Sync mode: every call returned after its replica held the change, so the replicas equal their primaries (once
        // partitions stopped moving between the two silos).
        await scenario.WaitUntilBalancedAsync(TimeSpan.FromSeconds(60));
        var outboxes = scenario.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ReplicationOutbox>()).ToArray();
        await Poll.UntilAsync(() => Task.FromResult(outboxes.All(o => o.PendingCount == 0)), TimeSpan.FromSeconds(30), "every change was shipped");
        int compared = 0;
        foreach (var silo in scenario.Cluster.Silos)
        {
            var other = scenario.Cluster.Silos.Single(s => !s.SiloAddress.Equals(silo.SiloAddress));
            var replicas = other.ServiceProvider.GetRequiredService<ReplicaRegistry>();
            foreach (var store in silo.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All)
            {
                var primary = SnapshotContents.Of(store.Snapshot());
                var replica = replicas.Snapshot(store.Partition);
                Assert.True(replica is not null, $"partition {store.Partition} has no replica on {other.SiloAddress}");
                Assert.Equal(primary, SnapshotContents.Of(replica));
                compared += primary.Count;
            }
        }

        Assert.True(compared >= model.Count, $"compared {compared} entries, the model holds {model.Count}");
        var victim = scenario.Cluster.Silos[^1];
        int onVictim = victim.ServiceProvider.GetRequiredService<PartitionStoreRegistry>().All.Sum(s => s.Count);
        Assert.True(onVictim > 0, "the silo to kill holds none of the keys");

        await scenario.Cluster.KillSiloAsync(victim);
        await scenario.WaitForActiveSilosAsync(1, TimeSpan.FromSeconds(60));

        foreach (var (key, expected) in model.Strings)
        {
            var value = await RetryAsync(() => cache.GetAsync(key).AsTask());
            Assert.Equal(expected, value is null ? null : Encoding.UTF8.GetString(value));
        }

        foreach (var (key, expected) in model.Hashes)
        {
            var actual = await RetryAsync(() => cache.HashGetAllAsync(key).AsTask());
            Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Select(p => KeyValuePair.Create(p.Key, Encoding.UTF8.GetString(p.Value))).OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        foreach (var (key, expected) in model.Lists)
        {
            var actual = await RetryAsync(() => cache.ListRangeAsync(key).AsTask());
            Assert.Equal(expected, actual.Select(v => Encoding.UTF8.GetString(v)));
        }

        await cache.DisposeAsync();
    }

    private static async Task RandomOpAsync(GridCache cache, Model model, Random random)
    {
        int roll = random.Next(100);
        string hashKey = $"delta:h:{random.Next(KeysPerType)}";
        string listKey = $"delta:l:{random.Next(KeysPerType)}";
        string stringKey = $"delta:s:{random.Next(KeysPerType)}";
        string value = $"v{random.Next(1_000_000)}";
        switch (roll)
        {
            case < 30:
                string field = $"f{random.Next(40)}";
                await cache.HashSetAsync(hashKey, field, Encoding.UTF8.GetBytes(value));
                model.Hash(hashKey)[field] = value;
                break;
            case < 40:
                string deleted = $"f{random.Next(40)}";
                await cache.HashDeleteAsync(hashKey, deleted);
                if (model.Hashes.TryGetValue(hashKey, out var hash) && hash.Remove(deleted) && hash.Count == 0)
                {
                    model.Hashes.Remove(hashKey);
                }

                break;
            case < 45:
                long sum = await cache.HashIncrementAsync(hashKey, "n", random.Next(-5, 10));
                model.Hash(hashKey)["n"] = sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case < 65:
                var values = Enumerable.Range(0, random.Next(1, 4)).Select(i => $"{value}.{i}").ToArray();
                bool left = random.Next(2) == 0;
                var bytes = values.Select(v => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(v)).ToArray();
                var list = model.List(listKey);
                if (left)
                {
                    await cache.ListLeftPushAsync(listKey, bytes);
                    foreach (var v in values)
                    {
                        list.Insert(0, v);
                    }
                }
                else
                {
                    await cache.ListRightPushAsync(listKey, bytes);
                    list.AddRange(values);
                }

                break;
            case < 77:
                bool fromLeft = random.Next(2) == 0;
                var popped = fromLeft ? await cache.ListLeftPopAsync(listKey) : await cache.ListRightPopAsync(listKey);
                if (model.Lists.TryGetValue(listKey, out var existing))
                {
                    string expected = fromLeft ? existing[0] : existing[^1];
                    Assert.Equal(expected, Encoding.UTF8.GetString(popped!));
                    existing.RemoveAt(fromLeft ? 0 : existing.Count - 1);
                    if (existing.Count == 0)
                    {
                        model.Lists.Remove(listKey);
                    }
                }
                else
                {
                    Assert.Null(popped);
                }

                break;
            case < 90:
                await cache.SetAsync(stringKey, Encoding.UTF8.GetBytes(value));
                model.Strings[stringKey] = value;
                break;
            case < 95:
                // Only the record changes (a header delta): a long expiry the test never reaches.
                string target = random.Next(2) == 0 ? hashKey : listKey;
                await cache.ExpireAsync(target, TimeSpan.FromHours(1));
                break;
            default:
                string removed = random.Next(3) switch { 0 => hashKey, 1 => listKey, _ => stringKey };
                await cache.RemoveAsync(removed);
                model.Hashes.Remove(removed);
                model.Lists.Remove(removed);
                model.Strings.Remove(removed);
                break;
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> read)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return await read();
            }
            catch (GridUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private sealed class Model
    {
        public Dictionary<string, Dictionary<string, string>> Hashes { get; } = [];

        public Dictionary<string, List<string>> Lists { get; } = [];

        public Dictionary<string, string> Strings { get; } = [];

        public int Count => Hashes.Count + Lists.Count + Strings.Count;

        public Dictionary<string, string> Hash(string key)
        {
            if (!Hashes.TryGetValue(key, out var hash))
            {
                Hashes[key] = hash = [];
            }

            return hash;
        }

        public List<string> List(string key)
        {
            if (!Lists.TryGetValue(key, out var list))
            {
                Lists[key] = list = [];
            }

            return list;
        }
    }
}
