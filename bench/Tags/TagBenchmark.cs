using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grid.Bench.Hosting;
using Grid.Client;
using Grid.Protocol;
using HdrHistogram;

namespace Grid.Bench.Tags;

/// <summary>
/// Times invalidation by tag and by pattern at growing sizes on real silo processes (Redis membership), while a few
/// loops keep reading other keys, so the report shows what an invalidation costs the rest of the traffic:
/// <c>dotnet run -c Release --project bench -- tags [--sizes 10000,100000,1000000] [--silos 3]</c>.
/// </summary>
internal static class TagBenchmark
{
    private const int ValueSize = 100;
    private const int BackgroundKeys = 10_000;
    private const int BackgroundLoops = 8;

    public static async Task<int> RunAsync(int[] sizes, int silos, string? siloDll)
    {
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string output = Path.Combine(RepoPaths.DefaultResultsRoot, "tags-" + stamp);
        Directory.CreateDirectory(output);
        using var supervisor = new ProcessSupervisor();
        var token = supervisor.Token;
        try
        {
            string dll = await SiloBuild.LocateAsync(siloDll, supervisor, output, Console.WriteLine, token);
            await using var membership = silos > 1 ? await RedisServer.StartAsync(supervisor, "membership", output, token) : null;
            string? redis = membership is null ? null : $"127.0.0.1:{membership.Port}";
            await using var cluster = await SiloCluster.StartAsync(supervisor, dll, "silo", silos, redis, enableDiagnostics: true, output, token);
            await using var grid = await GridConnection.ConnectAsync(cluster, Path.Combine(output, "client.log"), token);
            var cache = grid.Batched;
            var invalidation = grid.Client.GetGrain<IInvalidationGrain>(0);

            var value = new byte[ValueSize];
            var background = Enumerable.Range(0, BackgroundKeys).Select(i => $"bg:{i}").ToArray();
            await cache.SetManyAsync(background.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList());

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"# Tag and pattern invalidation, {silos} silo process(es), {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"{ValueSize}-byte values; {BackgroundLoops} loops read other keys meanwhile (latency of those reads during the invalidation). Silo defaults: 8 index shards, removal batches of 1,000, scan steps of 1,000 entries.");
            report.AppendLine();
            report.AppendLine("| what | keys | load s | index caught up s | index bytes/key | invalidation s | keys/s | removed | reads meanwhile p50 / p99 / max ms |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
            var (_, _, idle) = await TimeWithBackgroundAsync(cache, background, async () =>
            {
                await Task.Delay(1000);
                return 0;
            });
            report.AppendLine(Row("no invalidation (1 s of reads alone)", 0, 0, null, null, 1, 0, idle));
            foreach (int size in sizes)
            {
                string tag = $"bench-tag-{size}";
                var keys = Keys($"tb:{size}:", size);
                var (load, caughtUp) = await LoadAsync(cache, keys, value, new GridEntryOptions { Tags = [tag] }, async () => (await invalidation.GetTagIndexInfo(tag)).Keys == size);
                var info = await invalidation.GetTagIndexInfo(tag);
                var (elapsed, removed, latency) = await TimeWithBackgroundAsync(cache, background, () => cache.InvalidateTagAsync(tag).AsTask());
                report.AppendLine(Row("tag", size, load, caughtUp, info.Bytes / (double)Math.Max(1, info.Keys), elapsed, removed, latency));
                Console.WriteLine(report.ToString().Split('\n')[^2]);

                var patternKeys = Keys($"pb:{size}:", size);
                var (patternLoad, _) = await LoadAsync(cache, patternKeys, value, null, null);
                var (patternElapsed, patternRemoved, patternLatency) = await TimeWithBackgroundAsync(cache, background, () => cache.InvalidatePatternAsync($"pb:{size}:*").AsTask());
                report.AppendLine(Row("pattern", size, patternLoad, null, null, patternElapsed, patternRemoved, patternLatency));
                Console.WriteLine(report.ToString().Split('\n')[^2]);
            }

            var stats = await grid.StatisticsAsync();
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Entries left: {stats.Sum(s => s.Entries)} (the {BackgroundKeys} background keys).");
            string file = Path.Combine(output, "tags.md");
            await File.WriteAllTextAsync(file, report.ToString(), token);
            Console.WriteLine();
            Console.WriteLine(report);
            Console.WriteLine($"written to {file}");
            return 0;
        }
        finally
        {
            supervisor.KillAll();
        }
    }

    private static string[] Keys(string prefix, int count)
    {
        var keys = new string[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = prefix + i.ToString("D7", CultureInfo.InvariantCulture);
        }

        return keys;
    }

    /// <summary>Writes the keys (4 batches of 5,000 in flight) and, for tags, waits until the index holds them all.</summary>
    private static async Task<(double Load, double? CaughtUp)> LoadAsync(GridCache cache, string[] keys, byte[] value, GridEntryOptions? options, Func<Task<bool>>? indexed)
    {
        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(4);
        var writes = new List<Task>();
        foreach (var chunk in keys.Chunk(5000))
        {
            await gate.WaitAsync();
            writes.Add(Task.Run(async () =>
            {
                try
                {
                    await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList(), options);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(writes);
        double load = watch.Elapsed.TotalSeconds;
        if (indexed is null)
        {
            return (load, null);
        }

        var caughtUp = Stopwatch.StartNew();
        while (!await indexed())
        {
            await Task.Delay(20);
        }

        return (load, caughtUp.Elapsed.TotalSeconds);
    }

    private static async Task<(double Seconds, long Removed, LongHistogram Latency)> TimeWithBackgroundAsync(GridCache cache, string[] background, Func<Task<long>> invalidate)
    {
        var latency = new LongHistogram(60_000_000, 3);
        using var stop = new CancellationTokenSource();
        int measuring = 0;
        var readers = Enumerable.Range(0, BackgroundLoops).Select(loop => Task.Run(async () =>
        {
            var random = new Random(loop);
            var mine = new LongHistogram(60_000_000, 3);
            while (!stop.IsCancellationRequested)
            {
                // Only reads that start while the invalidation runs count.
                bool counted = Volatile.Read(ref measuring) == 1;
                long started = Stopwatch.GetTimestamp();
                await cache.GetAsync(background[random.Next(background.Length)]);
                if (counted)
                {
                    mine.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
                }
            }

            return mine;
        })).ToArray();

        await Task.Delay(200);
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        long removed = await invalidate();
        Volatile.Write(ref measuring, 0);
        double seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        foreach (var reader in readers)
        {
            latency.Add(await reader);
        }

        return (seconds, removed, latency);
    }

    private static string Row(string what, int size, double load, double? caughtUp, double? bytesPerKey, double seconds, long removed, LongHistogram latency) =>
        string.Create(CultureInfo.InvariantCulture, $"| {what} | {size:N0} | {load:0.00} | {(caughtUp is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {(bytesPerKey is { } b ? b.ToString("0.0", CultureInfo.InvariantCulture) : "")} | {seconds:0.000} | {removed / seconds:N0} | {removed:N0} | {latency.GetValueAtPercentile(50) / 1000.0:0.00} / {latency.GetValueAtPercentile(99) / 1000.0:0.00} / {latency.GetMaxValue() / 1000.0:0.00} |");
}
