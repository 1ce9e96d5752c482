using System.Diagnostics;
using HdrHistogram;
using StackExchange.Redis;

namespace Grid.Bench.Resp;

/// <summary>
/// StackExchange.Redis against a RESP port: 64 async loops, 90% GET / 10% SET of 100-byte values over 10,000 keys, for a
/// fixed time. The same settings for redis-server and the grid (commands the endpoint does not serve are turned off).
/// </summary>
internal static class StackExchangeLoop
{
    public const int Loops = 64;
    private const int Keys = 10_000;
    private const long HighestMicros = 60_000_000;

    public static async Task<RespBenchRow> RunAsync(string target, int port, TimeSpan duration, CancellationToken cancellationToken)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            CommandMap = CommandMap.Create(["INFO", "CONFIG", "CLUSTER", "SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUBLISH", "SENTINEL"], available: false),
            ConfigurationChannel = "",
            TieBreaker = "",
            DefaultVersion = new Version(7, 0, 0),
            AbortOnConnectFail = true,
            ConnectTimeout = 15_000,
            // A loaded machine (the tools and the servers share it) must not fail the run on a slow preload.
            AsyncTimeout = 30_000,
            SyncTimeout = 30_000,
        };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        var value = new byte[100];
        // Preloaded 500 at a time, so the first writes do not all wait behind each other.
        for (int start = 0; start < Keys; start += 500)
        {
            var preload = new List<Task>(500);
            for (int i = start; i < Math.Min(Keys, start + 500); i++)
            {
                preload.Add(db.StringSetAsync("se:" + i, value));
            }

            await Task.WhenAll(preload);
        }
        var histograms = new LongHistogram[Loops];
        long operations = 0;
        var stop = Stopwatch.StartNew();
        var loops = new Task[Loops];
        for (int l = 0; l < Loops; l++)
        {
            var histogram = histograms[l] = new LongHistogram(HighestMicros, 3);
            int seed = l;
            loops[l] = Task.Run(async () =>
            {
                var random = new Random(seed);
                long done = 0;
                while (stop.Elapsed < duration && !cancellationToken.IsCancellationRequested)
                {
                    string key = "se:" + random.Next(Keys);
                    long started = Stopwatch.GetTimestamp();
                    if (random.Next(10) == 0)
                    {
                        await db.StringSetAsync(key, value);
                    }
                    else
                    {
                        await db.StringGetAsync(key);
                    }

                    long micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    histogram.RecordValue(Math.Clamp(micros, 1, HighestMicros));
                    done++;
                }

                Interlocked.Add(ref operations, done);
            }, cancellationToken);
        }

        await Task.WhenAll(loops);
        double seconds = stop.Elapsed.TotalSeconds;
        var all = new LongHistogram(HighestMicros, 3);
        foreach (var histogram in histograms)
        {
            all.Add(histogram);
        }

        return new RespBenchRow(target, $"StackExchange.Redis, {Loops} loops", "90% GET / 10% SET", operations / seconds, all.GetValueAtPercentile(50), all.GetValueAtPercentile(99));
    }
}
