using System.Diagnostics;
using Grid.Client;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests;

/// <summary>
/// Issue 14 ("no caller-visible error when one silo dies", SIGSTOP) with real processes: a client's write window
/// (65,536 writes, counted from its oldest unanswered one) is held by one write to a frozen silo while the client goes
/// on writing to the others. Those writes must wait for room until the frozen silo is declared dead and the held-up
/// write answered by the new owner, not fail with <see cref="GridBusyException"/>.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class FrozenSiloWriteWindowTests(ITestOutputHelper output)
{
    private const int ProbeKeys = 600;
    private const int Calls = 70;
    private const int KeysPerCall = 1_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Writes_behind_one_held_up_by_a_frozen_silo_wait_for_room_instead_of_failing()
    {
        await using var redis = await RedisServer.StartAsync();
        var silos = new List<SiloProcess>();
        SiloProcess? frozen = null;
        ClientHost? client = null;
        try
        {
            // Async replication, so the live silos answer writes while the frozen one holds replicas of their partitions
            // (in sync mode a batch waits for its replica's ack, so they stall as well until it is declared dead, and
            // the probe below finds almost no key that answers).
            var asyncReplication = new Dictionary<string, string> { ["Grid__Replication__Mode"] = "Async" };
            for (int i = 0; i < 3; i++)
            {
                silos.Add(await SiloProcess.StartAsync(redis.ConnectionString, asyncReplication));
            }

            client = await ClientHost.StartOnRedisAsync(redis);
            var cache = client.Cache;
            await ClusterWait.WaitForSilosAsync(cache, 3, Timeout);
            string prefix = Guid.NewGuid().ToString("N");
            var value = new byte[16];

            // Every probe key's partition active first, spread over the three silos.
            var keys = Enumerable.Range(0, ProbeKeys).Select(i => KeyValuePair.Create($"{{frozen:{prefix}:{i}}}", (ReadOnlyMemory<byte>)value)).ToList();
            await cache.SetManyAsync(keys);
            await ClusterWait.WaitForSpreadAsync(cache, 3, Timeout);

            // Freeze one silo; which keys it holds shows in which short writes time out.
            frozen = silos[2];
            frozen.Process.Signal("STOP");
            var clock = Stopwatch.StartNew();
            var probes = new Task<bool>[ProbeKeys];
            for (int i = 0; i < ProbeKeys; i++)
            {
                probes[i] = WritesWithinAsync(cache, $"{{frozen:{prefix}:{i}}}", value, TimeSpan.FromMilliseconds(800));
            }

            await Task.WhenAll(probes);
            var live = new List<string>();
            string? held = null;
            for (int i = 0; i < ProbeKeys; i++)
            {
                if (probes[i].Result)
                {
                    live.Add($"{{frozen:{prefix}:{i}}}");
                }
                else
                {
                    held ??= $"{{frozen:{prefix}:{i}}}";
                }
            }

            Assert.True(held is not null && live.Count > 0, $"probing {ProbeKeys} keys found {live.Count} on live silos and none on the frozen one");
            output.WriteLine($"{live.Count} of {ProbeKeys} keys on live silos; {clock.Elapsed.TotalSeconds:0.0} s after the freeze");

            // One write held up by the frozen silo (its default deadline outlasts failure detection), then more writes
            // to the live silos than the window holds counted from it.
            var heldUp = cache.SetAsync(held!, value).AsTask();
            var calls = new Task[Calls];
            for (int c = 0; c < Calls; c++)
            {
                var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(KeysPerCall);
                for (int k = 0; k < KeysPerCall; k++)
                {
                    // Distinct keys (a call keeps the last write of a key), each in a live probe key's partition (hash tag).
                    int n = (c * KeysPerCall) + k;
                    items.Add(new($"{live[n % live.Count]}:{n}", value));
                }

                calls[c] = cache.SetManyAsync(items).AsTask();
            }

            await Task.WhenAll(calls.Append(heldUp)).WaitAsync(Timeout);
            output.WriteLine($"all {Calls * KeysPerCall} writes and the held-up one answered {clock.Elapsed.TotalSeconds:0.0} s after the freeze");
            Assert.NotNull(await cache.GetAsync(held!));
            Assert.NotNull(await cache.GetAsync($"{live[0]}:0"));
        }
        catch
        {
            ProcessCluster.WriteLogs(output, silos);
            throw;
        }
        finally
        {
            // A stopped process takes no SIGTERM; SIGKILL ends it.
            if (frozen is not null)
            {
                await frozen.Process.KillAsync();
            }

            await ProcessCluster.StopAllAsync(client, silos);
        }
    }

    /// <summary>True when a write of <paramref name="key"/> is answered within <paramref name="within"/>.</summary>
    private static async Task<bool> WritesWithinAsync(IGridCache cache, string key, byte[] value, TimeSpan within)
    {
        try
        {
            await cache.SetAsync(key, value, new GridEntryOptions { Timeout = within });
            return true;
        }
        catch (GridTimeoutException)
        {
            return false;
        }
    }
}
