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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth: {keys:N0} inserts into one empty partition store, {ValueSize}-B values, {runs} run(s); latencies in µs"));
        Console.WriteLine("run   total ms    p50    p99  p99.9 p99.99     max  ops>100µs  ops>1ms  gen0/1/2");
        for (int run = 1; run <= runs; run++)
        {
            var store = new PartitionStore(0, GridClock.System, new NullMemoryAccount());
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < keys; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var result = store.Execute(ops[i]);
                ticks[i] = Stopwatch.GetTimestamp() - t0;
                if (result.Status != ResultStatus.Ok)
                {
                    throw new InvalidOperationException($"Insert {i} failed: {result.Status} {result.Error}");
                }
            }

            double totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            int over100 = 0, over1000 = 0;
            for (int i = 0; i < keys; i++)
            {
                double us = Micros(ticks[i]);
                over100 += us > 100 ? 1 : 0;
                over1000 += us > 1000 ? 1 : 0;
            }

            Array.Sort(ticks);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{run,3} {totalMs,10:F0} {At(ticks, 0.5),6:F2} {At(ticks, 0.99),6:F2} {At(ticks, 0.999),6:F1} {At(ticks, 0.9999),6:F0} {Micros(ticks[^1]),7:F0} {over100,10} {over1000,8}  {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}"));
            GC.KeepAlive(store);
        }

        return 0;
    }

    private static double At(long[] sorted, double quantile) => Micros(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))]);

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>No budget: the fill measures the table, not the silo's memory limit.</summary>
    private sealed class NullMemoryAccount : IMemoryAccount
    {
        public void Add(long deltaBytes)
        {
        }
    }
}
