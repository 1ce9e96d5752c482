using System.Diagnostics;
using Grid.Client;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class HotKeyTests(ClusterFixture fixture)
{
    [Fact]
    public async Task One_key_hammered_among_100_000_is_first_within_5_seconds()
    {
        // Near cache off: every read reaches the silo that counts it.
        using var cache = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = false } });
        string prefix = $"hotkeys:{Guid.NewGuid():N}:";
        var value = new byte[100];
        for (int start = 0; start < 100_000; start += 10_000)
        {
            var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(10_000);
            for (int i = start; i < start + 10_000; i++)
            {
                items.Add(new(prefix + i, value));
            }

            await cache.SetManyAsync(items);
        }

        string hot = prefix + "4242";
        using var stop = new CancellationTokenSource();
        var loops = new List<Task>();
        for (int loop = 0; loop < 4; loop++)
        {
            int seed = loop;
            loops.Add(Task.Run(async () =>
            {
                var random = new Random(seed);
                while (!stop.IsCancellationRequested)
                {
                    await cache.GetAsync(prefix + random.Next(100_000));
                }
            }));
        }

        loops.Add(Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await cache.GetAsync(hot);
            }
        }));

        var clock = Stopwatch.StartNew();
        IReadOnlyList<GridHotKey> top = [];
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                top = await cache.GetHotKeysAsync(5);
                if (top.Count > 0 && top[0].Key == hot)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }

        Assert.True(top.Count > 0 && top[0].Key == hot, $"after {clock.Elapsed.TotalSeconds:0.0} s the top keys were: {string.Join(", ", top.Select(k => $"{k.Key} {k.ReadsPerSecond:0}/s"))}");
        Assert.True(top[0].ReadsPerSecond > 0);
        Assert.False(string.IsNullOrEmpty(top[0].Silo));
    }

    [Fact]
    public async Task Asking_for_a_bad_number_of_keys_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await fixture.Cache.GetHotKeysAsync(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await fixture.Cache.GetHotKeysAsync(1025));
    }
}
