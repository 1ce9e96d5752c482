using System.Text;
using Grid.Client;
using Grid.Extensions.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// Callers that block on the grid (sync-over-async, as older ASP.NET code and many libraries do) from many threads at
/// once, right after an await of the grid: the client must never run their code on its send/receive path, or one
/// blocked caller stops every batch (a permanent hang found by an outside conformance suite).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SyncOverAsyncTests(ClusterFixture fixture)
{
    private const int Callers = 64;
    private const int Rounds = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Distributed_cache_sync_calls_after_awaits_from_64_callers_complete(bool nearCache)
    {
        var grid = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = nearCache } });
        try
        {
            IDistributedCache cache = new GridDistributedCache(grid, Options.Create(new GridDistributedCacheOptions()));
            var callers = new Task[Callers];
            for (int c = 0; c < Callers; c++)
            {
                string key = $"sync-over-async:{nearCache}:{c}";
                callers[c] = Task.Run(async () =>
                {
                    for (int round = 0; round < Rounds; round++)
                    {
                        var value = Encoding.UTF8.GetBytes($"{round}");
                        await cache.SetAsync(key, value, new DistributedCacheEntryOptions());

                        // Blocking calls right after the await: they run wherever the await resumed.
                        Assert.Equal(value, cache.Get(key));
                        cache.Set(key, value, new DistributedCacheEntryOptions());
                        Assert.Equal(value, await cache.GetAsync(key));
                        cache.Remove(key);
                    }
                });
            }

            await Task.WhenAll(callers).WaitAsync(Deadline);
        }
        finally
        {
            await grid.DisposeAsync();
        }
    }

    [Fact]
    public async Task Grid_cache_blocking_waits_after_awaits_from_64_callers_complete()
    {
        var grid = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = false } });
        try
        {
            var callers = new Task[Callers];
            for (int c = 0; c < Callers; c++)
            {
                string key = $"blocking-wait:{c}";
                callers[c] = Task.Run(async () =>
                {
                    for (int round = 0; round < Rounds; round++)
                    {
                        await grid.SetAsync(key, Encoding.UTF8.GetBytes("v"));
                        long value = grid.IncrementAsync(key + ":n").AsTask().GetAwaiter().GetResult();
                        Assert.Equal(round + 1, value);
                    }
                });
            }

            await Task.WhenAll(callers).WaitAsync(Deadline);
        }
        finally
        {
            await grid.DisposeAsync();
        }
    }
}
