using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grid.Client;
using Grid.Tests.Shared.Processes;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests;

/// <summary>
/// Warm restart with real silo processes: two silos on Redis membership, each with its own snapshot directory
/// (<c>Grid:Persistence</c>, as a volume claim per pod gives them), are stopped gracefully at the same time and started again,
/// and the cache comes back with what it held: every unexpired entry with its remaining time to live, its tags, and
/// nothing that expired meanwhile. Partitions land on other silos than before (new silo addresses): a partition whose
/// file is on the other silo gets it from there.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class WarmRestartTests(ITestOutputHelper output)
{
    private const int Entries = 100_000;
    private const int Chunk = 1_000;
    private const string Tag = "warm-tag";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ShortTtl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SlidingWindow = TimeSpan.FromMinutes(10);

    // Remaining TTLs are read before the stop and after the start; between the two reads only the measured time may pass.
    private static readonly TimeSpan TtlTolerance = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_unexpired_entry_is_back_with_its_remaining_ttl_after_all_silos_stop_gracefully_and_start_again()
    {
        string[] directories = [Directory.CreateTempSubdirectory("grid-warm-a-").FullName, Directory.CreateTempSubdirectory("grid-warm-b-").FullName];
        await using var redis = await RedisServer.StartAsync();
        var settings = directories.Select(directory => new Dictionary<string, string>
        {
            ["Grid__Persistence__Enabled"] = "true",
            ["Grid__Persistence__Directory"] = directory,

            // Only the final write on shutdown: what comes back is exactly what the silos held when they stopped.
            ["Grid__Persistence__Interval"] = "00:00:00",
            ["Logging__LogLevel__Grid.Grains.Partitions.PartitionGrain"] = Environment.GetEnvironmentVariable("GRID_WARM_LOGS") is null ? "Information" : "Debug",
        }).ToArray();
        var silos = new List<SiloProcess>();
        var logs = new List<SiloProcess>();
        try
        {
            await StartAsync(redis, settings, silos, logs);
            Dictionary<int, (TimeSpan Left, TimeSpan At)> ttlBefore;
            var stoppedClock = Stopwatch.StartNew();
            await using (var client = await ClientAsync(redis))
            {
                await ClusterWait.WaitForSilosAsync(client.Cache, 2, Timeout);
                await WriteAsync(client.Cache);
                stoppedClock.Restart();
                ttlBefore = await RemainingAsync(client.Cache, stoppedClock);
            }

            // Both at once, as a whole cluster stops for maintenance or a StatefulSet with parallel pod management rolls:
            // partitions a silo hands over may land on the other stopping silo, which writes them as they deactivate.
            // Stopping silos can vote each other dead meanwhile; each still ends its stop cleanly (exit code 0, not
            // Orleans' 134: StoppingAwareFatalErrorHandler).
            var exitCodes = await Task.WhenAll(silos.Select(silo => silo.Process.StopAsync(Timeout)));
            Assert.All(exitCodes, code => Assert.Equal(0, code));
            var files = directories.Select(d => Directory.GetFiles(d, "*.gridsnap").Length).ToArray();
            output.WriteLine($"stopped in {stoppedClock.Elapsed.TotalSeconds:0.0} s; snapshot files: {string.Join(" + ", files)}");
            await DisposeAllAsync(silos);

            await StartAsync(redis, settings, silos, logs);
            await using (var client = await ClientAsync(redis))
            {
                await ClusterWait.WaitForSilosAsync(client.Cache, 2, Timeout);

                // TTLs first: reads would move the sliding entries' deadlines.
                var elapsed = stoppedClock.Elapsed;
                var ttlAfter = await RemainingAsync(client.Cache, stoppedClock);
                output.WriteLine($"restarted after {elapsed.TotalSeconds:0.0} s");
                Assert.True(elapsed > ShortTtl, "the short-lived entries had not expired yet");
                foreach (var (i, before) in ttlBefore)
                {
                    Assert.True(ttlAfter.TryGetValue(i, out var after), $"{Key(i)} has no TTL after the restart");
                    var expected = before.Left - (after.At - before.At);
                    // Sliding entries too: neither the stop, the handover nor the restart is an access, so the deadline
                    // the last write gave them is where it was (a moved deadline would show as the restart's duration).
                    string kind = i % 10 == 1 ? " (sliding)" : "";
                    Assert.True((after.Left - expected).Duration() <= TtlTolerance, $"{Key(i)}{kind}: {after.Left} left after the restart, expected {expected} ± {TtlTolerance}");
                }

                await VerifyValuesAsync(client.Cache);

                // The tag index came back too: invalidating the tag reaches every tagged entry.
                long removed = await client.Cache.InvalidateTagAsync(Tag);
                Assert.Equal((long)(Entries / 100), removed);
                Assert.False(await client.Cache.ExistsAsync(Key(2)));
            }

            foreach (var silo in silos)
            {
                Assert.DoesNotContain("Snapshot file", silo.Process.Output, StringComparison.Ordinal);
            }

            // Some partitions landed on the silo that had not written them, and took the other silo's file.
            Assert.Contains(silos, s => s.Process.Output.Contains(" from silo ", StringComparison.Ordinal));
        }
        catch
        {
            ProcessCluster.WriteLogs(output, logs);
            throw;
        }
        finally
        {
            await ProcessCluster.StopAllAsync(silos);
            foreach (string directory in directories)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"warm:{i}");

    private static byte[] Value(int i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"value of entry {i}, padded to look like a small cached object ............"));

    /// <summary>Every tenth entry lives 3 s (gone after the restart), every tenth is sliding (10 min), every hundredth tagged; the rest live 10–20 min.</summary>
    private static GridEntryOptions Options(int i) => (i % 10) switch
    {
        0 => new GridEntryOptions { TimeToLive = ShortTtl },
        1 => new GridEntryOptions { SlidingExpiration = SlidingWindow },
        2 when i % 100 == 2 => new GridEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), Tags = [Tag] },
        _ => new GridEntryOptions { TimeToLive = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(i % 600) },
    };

    private static async Task WriteAsync(IGridCache cache)
    {
        for (int start = 0; start < Entries; start += Chunk)
        {
            var writes = new List<Task>(Chunk);
            for (int i = start; i < start + Chunk; i++)
            {
                writes.Add(cache.SetAsync(Key(i), Value(i), Options(i)).AsTask());
            }

            await Task.WhenAll(writes);
        }
    }

    /// <summary>The remaining TTL of every 25th long-lived entry (absolute and sliding).</summary>
    private static async Task<Dictionary<int, (TimeSpan Left, TimeSpan At)>> RemainingAsync(IGridCache cache, Stopwatch clock)
    {
        var sample = Enumerable.Range(0, Entries).Where(i => i % 25 == 1 || i % 25 == 3).ToArray();
        var remaining = new Dictionary<int, (TimeSpan Left, TimeSpan At)>();

        // Each answer with the time it came: the first calls after the restart wait for their partitions to activate.
        async Task<(GridTimeToLive Ttl, TimeSpan At)> ReadAsync(int i)
        {
            var ttl = await cache.GetTimeToLiveAsync(Key(i));
            return (ttl, clock.Elapsed);
        }

        foreach (var chunk in sample.Chunk(Chunk))
        {
            // Right after the restart every partition activates (and looks for its snapshot file) on its first call: an
            // operation that times out meanwhile changed nothing and is asked again.
            var answers = await RetryAsync(() => Task.WhenAll(chunk.Select(ReadAsync)));
            for (int j = 0; j < chunk.Length; j++)
            {
                if (answers[j] is ({ Exists: true, Remaining: { } left }, var at))
                {
                    remaining[chunk[j]] = (left, at);
                }
            }
        }

        return remaining;
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (GridTimeoutException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task VerifyValuesAsync(IGridCache cache)
    {
        int missing = 0, wrong = 0, resurrected = 0;
        for (int start = 0; start < Entries; start += Chunk)
        {
            var keys = Enumerable.Range(start, Chunk).Select(Key).ToArray();
            var values = await RetryAsync(() => cache.GetManyAsync(keys).AsTask());
            for (int j = 0; j < Chunk; j++)
            {
                int i = start + j;
                if (i % 10 == 0)
                {
                    resurrected += values[j] is null ? 0 : 1;
                }
                else if (values[j] is null)
                {
                    missing++;
                }
                else if (!values[j]!.AsSpan().SequenceEqual(Value(i)))
                {
                    wrong++;
                }
            }
        }

        Assert.Equal((0, 0, 0), (missing, wrong, resurrected));
    }

    private static async Task StartAsync(RedisServer redis, Dictionary<string, string>[] settings, List<SiloProcess> silos, List<SiloProcess> logs)
    {
        foreach (var own in settings)
        {
            var silo = await SiloProcess.StartAsync(redis.ConnectionString, own, logPath: Environment.GetEnvironmentVariable("GRID_WARM_LOGS") is { } logDirectory ? Path.Combine(logDirectory, $"silo-{silos.Count}-{Guid.NewGuid():N}.log") : null);
            silos.Add(silo);
            logs.Add(silo);
        }
    }

    private static async Task<ClientHost> ClientAsync(RedisServer redis) =>
        await ClientHost.StartAsync(o => o.Clustering.Redis = redis.ConnectionString);

    private static async Task DisposeAllAsync(List<SiloProcess> silos)
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }

        silos.Clear();
    }
}
