// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Diagnostics;
using System.Globalization;
using Grid.Bench.Load;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using GridOp = grains::Grid.Protocol.GridOp;
using Grid.Protocol;
using ResultStatus = grains::Grid.Protocol.ResultStatus;

namespace Grid.Bench.Micro;

/// <summary>
/// <c>growth</c>: per-insert latency while one partition store grows from empty to N keys (100-byte values),
/// single-threaded, each insert timed on its own. What it shows is the tail: a table that resizes stop-the-world
/// makes the insert that triggers the resize pay for all keys, which only p99.9 and max reveal (the mean hides it).
/// </summary>
internal static class GrowthLatencyRunner
{
    private const int ValueSize = 100;

    /// <summary>Runs <paramref name="runs"/> fills of <paramref name="keys"/> keys and prints one line per run.</summary>
    public static int Run(int keys, int runs)
    {
        // Ops are built up front so the timed loop does nothing but the insert.
        var value = KeySpace.Value(ValueSize);
        var ops = new GridOp[keys];
        for (int i = 0; i < keys; i++)
        {
            ops[i] = new GridOp { Code = OpCode.Set, Key = System.Text.Encoding.UTF8.GetBytes(KeySpace.Key(i)), Value = value };
        }

        var ticks = new long[keys];

        // Which inserts a collection ran in: a pause that promotes the growing live set is the GC's cost, not the table's,
        // and the two are told apart (max without a GC) so the table's own worst case shows.
        var collected = new bool[keys];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth: {keys:N0} inserts into one empty partition store, {ValueSize}-B values, {runs} run(s); latencies in µs"));
        Console.WriteLine("run   total ms    p50    p99  p99.9 p99.99     max  ops>100µs  ops>1ms  gen0/1/2  GC pause ms  max w/o GC  p99.99 w/o GC");
        for (int run = 1; run <= runs; run++)
        {
            var store = new PartitionStore(0, GridClock.System, new NullMemoryAccount());
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var pausedBefore = GC.GetTotalPauseDuration();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < keys; i++)
            {
                int gcs = GC.CollectionCount(0);
                long t0 = Stopwatch.GetTimestamp();
                var result = store.Execute(ops[i]);
                ticks[i] = Stopwatch.GetTimestamp() - t0;
                collected[i] = GC.CollectionCount(0) != gcs;
                if (result.Status != ResultStatus.Ok)
                {
                    throw new InvalidOperationException($"Insert {i} failed: {result.Status} {result.Error}");
                }
            }

            double totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            double pausedMs = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            int over100 = 0, over1000 = 0, withoutGc = 0;
            var noGc = new long[keys];
            for (int i = 0; i < keys; i++)
            {
                double us = Micros(ticks[i]);
                over100 += us > 100 ? 1 : 0;
                over1000 += us > 1000 ? 1 : 0;
                if (!collected[i])
                {
                    noGc[withoutGc++] = ticks[i];
                }
            }

            string slowest = Slowest(ticks, collected, 6);
            Array.Sort(ticks);
            Array.Sort(noGc, 0, withoutGc);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{run,3} {totalMs,10:F0} {At(ticks, 0.5),6:F2} {At(ticks, 0.99),6:F2} {At(ticks, 0.999),6:F1} {At(ticks, 0.9999),6:F0} {Micros(ticks[^1]),7:F0} {over100,10} {over1000,8}  {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2,-3} {pausedMs,11:F0} {Micros(noGc[withoutGc - 1]),11:F0} {Micros(noGc[Math.Min(withoutGc - 1, (int)(withoutGc * 0.9999))]),14:F0}"));
            Console.WriteLine("      slowest inserts (keys held before it: µs, * = a GC ran in it): " + slowest);
            GC.KeepAlive(store);
        }

        return 0;
    }

    /// <summary>
    /// The <paramref name="n"/> slowest inserts with the table size they ran at: a stop-the-world resize shows as the
    /// slowest ops sitting at the growth points (3/4 of a power of two), noise from a shared machine anywhere.
    /// </summary>
    private static string Slowest(long[] ticks, bool[] collected, int n)
    {
        var order = new int[ticks.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = (long[])ticks.Clone();
        Array.Sort(keys, order);
        var text = new System.Text.StringBuilder();
        for (int k = 0; k < n && k < order.Length; k++)
        {
            int i = order[order.Length - 1 - k];
            text.Append(CultureInfo.InvariantCulture, $"{i:N0}: {Micros(ticks[i]):F0}{(collected[i] ? "*" : string.Empty)}  ");
        }

        return text.ToString();
    }

    private static double At(long[] sorted, double quantile) => Micros(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))]);

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
