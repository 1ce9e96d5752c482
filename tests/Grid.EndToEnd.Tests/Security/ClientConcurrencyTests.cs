using System.Globalization;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>
/// Per-client concurrency at real silos: one client floods a two-silo cluster (its write batches wait for their sync
/// replicas, so they overlap on the silos); past the bound its requests fail fast with <see cref="GridBusyException"/>
/// or wait their turn, as configured, while another client's requests all go through.
/// </summary>
public sealed class ClientConcurrencyTests
{
    [Fact]
    public async Task A_flooding_client_past_its_bound_gets_GridBusyException_for_requests_that_did_not_run_and_other_clients_are_unaffected()
    {
        await using var cluster = await TwoSilosAsync(running: 1, queued: 0, timeout: TimeSpan.Zero);
        var (outcomes, otherErrors) = await FloodAsync(cluster);

        Assert.Empty(otherErrors);
        var refused = outcomes.Where(o => o.Error is not null).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, o => Assert.IsType<GridBusyException>(o.Error));
        Assert.Contains("MaxConcurrentRequestsPerClient = 1", refused[0].Error!.Message, StringComparison.Ordinal);
        Assert.Contains(outcomes, o => o.Error is null);

        // A refused request ran nothing: its keys were not written.
        foreach (var outcome in refused.Take(50))
        {
            Assert.False(await cluster.Observer.Cache.ExistsAsync(outcome.Key));
        }
    }

    [Fact]
    public async Task A_flooding_client_past_its_bound_waits_its_turn_when_the_silos_queue_its_requests()
    {
        await using var cluster = await TwoSilosAsync(running: 1, queued: 100_000, timeout: TimeSpan.FromSeconds(60));
        var (outcomes, otherErrors) = await FloodAsync(cluster);
        Assert.Empty(otherErrors);
        Assert.All(outcomes, o => Assert.Null(o.Error));
    }

    private static async Task<(List<(string Key, Exception? Error)> Outcomes, List<Exception> OtherErrors)> FloodAsync(Cluster cluster)
    {
        await using var flooder = await ClientHost.StartAsync(o =>
        {
            o.Clustering.Redis = cluster.Redis.ConnectionString;
            o.MaxBatchesInFlight = 32;
            o.MaxBatchSize = 8;
        });

        var otherErrors = new List<Exception>();
        using var stop = new CancellationTokenSource();
        var other = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested || i < 50; i++)
            {
                try
                {
                    string key = $"other:{i}";
                    await cluster.Observer.Cache.SetStringAsync(key, "ok");
                    Assert.Equal("ok", await cluster.Observer.Cache.GetStringAsync(key));
                }
                catch (Exception ex) when (ex is GridException)
                {
                    otherErrors.Add(ex);
                }
            }
        });

        var value = new byte[512];
        var keys = Enumerable.Range(0, 3000).Select(i => "flood:" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var writes = keys.Select(async key =>
        {
            try
            {
                await flooder.Cache.SetAsync(key, value);
                return (key, (Exception?)null);
            }
            catch (GridException ex)
            {
                return (key, (Exception?)ex);
            }
        }).ToArray();
        var outcomes = (await Task.WhenAll(writes)).ToList();
        stop.Cancel();
        await other;
        return (outcomes, otherErrors);
    }

    private static async Task<Cluster> TwoSilosAsync(int running, int queued, TimeSpan timeout)
    {
        var redis = await RedisServer.StartAsync();
        var limits = new Dictionary<string, string>
        {
            ["Grid__Limits__MaxConcurrentRequestsPerClient"] = running.ToString(CultureInfo.InvariantCulture),
            ["Grid__Limits__MaxQueuedRequestsPerClient"] = queued.ToString(CultureInfo.InvariantCulture),
            ["Grid__Limits__RequestQueueTimeout"] = timeout.ToString("c", CultureInfo.InvariantCulture),
        };
        var first = await SiloProcess.StartAsync(redis.ConnectionString, limits);
        var second = await SiloProcess.StartAsync(redis.ConnectionString, limits);
        var observer = await ClientHost.StartAsync(o => o.Clustering.Redis = redis.ConnectionString);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await observer.Cache.GetSiloStatisticsAsync()).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return new Cluster(redis, [first, second], observer);
    }

    private sealed record Cluster(RedisServer Redis, SiloProcess[] Silos, ClientHost Observer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Observer.DisposeAsync();
            foreach (var silo in Silos)
            {
                await silo.DisposeAsync();
            }

            await Redis.DisposeAsync();
        }
    }
}
