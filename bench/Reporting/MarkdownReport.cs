using System.Text;
using Grid.Bench.Cli;

namespace Grid.Bench.Reporting;

/// <summary>results.md: the machine, a table per section, notes.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchResults results, IReadOnlyList<string> files)
    {
        var md = new StringBuilder();
        var plan = results.Plan;
        md.AppendLine($"# Grid vs redis-server — {results.Started:yyyy-MM-dd HH:mm:ss}");
        md.AppendLine();
        md.AppendLine($"Mode **{plan.Mode.ToString().ToLowerInvariant()}**, {Fmt.Dec((results.Finished - results.Started).TotalMinutes)} min. " +
            $"Each cell: {Fmt.Dec(plan.Warmup.TotalSeconds)} s warm-up, then {Fmt.Dec(plan.Duration.TotalSeconds)} s measured, per system, back to back" +
            (plan.Rate is { } rate ? $"; open loop at {Fmt.Int(rate)} ops/s in total (latency from each operation's scheduled send time)." : "; closed loop (each of the N loops sends its next operation when the previous one answers)."));
        md.AppendLine();
        md.AppendLine("> The machine is shared and noisy: compare the **ratios within this run**, never absolute numbers across runs. Ratios: grid ÷ redis; ops/s above 1× and p99 below 1× favour the grid.");
        md.AppendLine();
        if (results.Failure is { } failure)
        {
            md.AppendLine("**The run did not complete**; the tables hold what was measured before it stopped:");
            md.AppendLine();
            md.AppendLine("```");
            md.AppendLine(failure);
            md.AppendLine("```");
            md.AppendLine();
        }

        AppendMachine(md, results);
        AppendSummary(md, results);
        AppendGoals(md, results);
        foreach (var comparison in Comparison.All(results))
        {
            AppendComparison(md, results, comparison);
        }

        AppendMemory(md, results.Memory);
        AppendRedisBenchmark(md, results);
        AppendPreloads(md, results);
        AppendNotes(md, results);
        md.AppendLine("## Files");
        md.AppendLine();
        foreach (var file in files)
        {
            md.AppendLine($"- `{file}`");
        }

        md.AppendLine();
        md.AppendLine("Columns are explained in `bench/README.md`.");
        return md.ToString();
    }

    private static void AppendMachine(StringBuilder md, BenchResults results)
    {
        var m = results.Machine;
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| command | `{m.Command}` |");
        md.AppendLine($"| CPU | {m.CpuModel} |");
        md.AppendLine($"| cores | {m.Cores} |");
        md.AppendLine($"| RAM | {m.Memory} |");
        md.AppendLine($"| OS | {m.OperatingSystem} |");
        md.AppendLine($"| .NET | {m.DotNet}; harness: {m.GcMode} |");
        md.AppendLine($"| Orleans | {m.Orleans} |");
        md.AppendLine($"| StackExchange.Redis | {m.StackExchangeRedis} |");
        md.AppendLine($"| redis-server | {m.RedisServer} |");
        md.AppendLine($"| Grid commit | {m.GitCommit} |");
        md.AppendLine($"| load average (1/5/15 min) | start {m.LoadAverageAtStart}, end {results.LoadAverageAtEnd} |");
        md.AppendLine("| topology | everything on loopback; the harness process is the client of both systems; each silo and redis-server is its own process |");
        md.AppendLine();
    }

    private static void AppendSummary(StringBuilder md, BenchResults results)
    {
        var summary = SummaryTable.Build(results);
        var memoryLine = "";
        if (results.Memory is { Redis: { } redis, Grid: { } grid } memory)
        {
            int n = memory.Entries;
            var cells = new string[SummaryTable.Columns.Count];
            Array.Fill(cells, "");
            cells[0] = $"memory, {Fmt.Int(n)} × {memory.ValueSize} B";
            cells[2] = $"GC heap {Fmt.Ratio(Fmt.Divide(grid.GcHeapPerEntry(n), redis.UsedPerEntry(n)))} of used_memory; RSS {Fmt.Ratio(Fmt.Divide(grid.RssPerEntry(n), redis.RssPerEntry(n)))}";
            memoryLine = "| " + string.Join(" | ", cells) + " |";
        }

        if (summary.Count == 0 && memoryLine.Length == 0)
        {
            return;
        }

        md.AppendLine("## Summary");
        md.AppendLine();
        md.AppendLine("Ratios: system ÷ anchor, geometric mean over the cells that have the anchor (redis-server in every phase; the Redis Cluster, 3 masters + 3 replicas, beside several silos); ops/s above 1× and p99 below 1× favour the grid. " +
            "CPU µs/op: (client + server CPU time) ÷ operations, arithmetic mean over the same cells, as total (client + server); client = the harness process, server = the silos, redis-server or every Redis Cluster node.");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", SummaryTable.Columns) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", SummaryTable.Columns.Count - 1)));
        foreach (var line in summary)
        {
            md.AppendLine("| " + string.Join(" | ", SummaryTable.Format(line)) + " |");
        }

        if (memoryLine.Length > 0)
        {
            md.AppendLine(memoryLine);
        }

        md.AppendLine();
    }

    private static void AppendGoals(StringBuilder md, BenchResults results)
    {
        md.AppendLine("## Goals");
        md.AppendLine();
        md.AppendLine("The scale goals (100 B values and uniform keys unless said), each with its worst ratio over the cells of this run it covers (lowest for ops/s, highest for p99, CPU and memory). A quick run measures fewer cells and preloads fewer keys than a full one.");
        md.AppendLine();
        md.AppendLine("| goal | bound | worst ratio | cells | verdict | why a miss |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var goal in GoalReport.Build(results))
        {
            md.AppendLine($"| {goal.Goal} | {goal.BoundText} | {Fmt.Ratio(goal.Ratio)} | {goal.Cells} | {goal.Verdict} | {goal.WhyLink} |");
        }

        md.AppendLine();
    }

    private static void AppendComparison(StringBuilder md, BenchResults results, Comparison comparison)
    {
        string sys = comparison.System;
        int keys = comparison.Rows.Count > 0 ? comparison.Rows[0].Challenger.Keys : 0;
        md.AppendLine($"## {comparison.Title}");
        md.AppendLine();
        md.AppendLine($"{Fmt.Int(keys)} keys preloaded; N = concurrent async loops in the client process; latency per operation in µs (HdrHistogram); CPU in % of one core over the measured window (client = the harness process, server = {sys switch { SystemNames.Redis => "redis-server", SystemNames.RedisCluster => "every Redis Cluster node", _ => "the silo processes" }} / redis-server{(comparison.HasCluster ? " / the 6 Redis Cluster nodes" : "")}); CPU µs/op = (client + server CPU time) ÷ operations, shown as total (client + server).");
        md.AppendLine();
        if (SystemNames.IsRedis(sys))
        {
            md.AppendLine("| value | mix | keys | N | ops/s | p50 / p99 / p99.9 µs | CPU client / server | CPU µs/op | hits | errors |");
            md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (row, _, _) in comparison.Rows)
            {
                var m = row.Measurement;
                md.AppendLine($"| {row.ValueSize} B | {row.Mix} | {row.DistributionName} | {row.Concurrency} | {Fmt.Int(m.OpsPerSecond)} | {Latencies(m)} | {Cpu(m)} | {Fmt.CpuPerOp(m)} | {Hits(row)} | {Fmt.Int(m.Errors)} |");
            }

            md.AppendLine();
            return;
        }

        bool near = sys == SystemNames.GridL1;
        if (near)
        {
            AppendNearCacheIntro(md, comparison);
        }

        bool cluster = comparison.HasCluster;
        var header = new StringBuilder($"| value | mix | keys | N | redis ops/s | {sys} ops/s | **ops/s ×** |");
        if (cluster)
        {
            header.Append(" redis-cluster ops/s | **ops/s × cluster** |");
        }

        header.Append(near ? " **L1 hit ratio** |" : "");
        header.Append($" redis p50 / p99 / p99.9 | {sys} p50 / p99 / p99.9 | **p99 ×** |");
        if (cluster)
        {
            header.Append(" redis-cluster p50 / p99 / p99.9 | **p99 × cluster** |");
        }

        header.Append($" redis CPU client / server | {sys} CPU client / server | CPU µs/op redis{(cluster ? " / redis-cluster" : "")} / {sys} | {sys} hits{(near ? " (at the silo)" : "")} | errors redis{(cluster ? " / redis-cluster" : "")} / {sys} |");
        md.AppendLine(header.ToString());
        int columns = header.ToString().Split('|').Length - 2;
        md.AppendLine("|---|---|---|" + string.Concat(Enumerable.Repeat("---:|", columns - 3)));
        foreach (var (row, redis, clusterRow) in comparison.Rows)
        {
            var m = row.Measurement;
            var r = redis?.Measurement;
            var c = clusterRow?.Measurement;
            var line = new StringBuilder();
            line.Append($"| {row.ValueSize} B | {row.Mix} | {row.DistributionName} | {row.Concurrency} ");
            line.Append($"| {(r is null ? "–" : Fmt.Int(r.OpsPerSecond))} | {Fmt.Int(m.OpsPerSecond)} | **{Fmt.Ratio(ComparisonRow.OpsRatio(row, redis))}** ");
            if (cluster)
            {
                line.Append($"| {(c is null ? "–" : Fmt.Int(c.OpsPerSecond))} | **{Fmt.Ratio(ComparisonRow.OpsRatio(row, clusterRow))}** ");
            }

            line.Append(near ? $"| **{NearHits(row)}** " : "");
            line.Append($"| {(r is null ? "–" : Latencies(r))} | {Latencies(m)} | **{Fmt.Ratio(ComparisonRow.P99Ratio(row, redis))}** ");
            if (cluster)
            {
                line.Append($"| {(c is null ? "–" : Latencies(c))} | **{Fmt.Ratio(ComparisonRow.P99Ratio(row, clusterRow))}** ");
            }

            line.Append($"| {(r is null ? "–" : Cpu(r))} | {Cpu(m)} ");
            line.Append($"| {(r is null ? "–" : Fmt.CpuPerOp(r))}{(cluster ? " / " + (c is null ? "–" : Fmt.CpuPerOp(c)) : "")} / {Fmt.CpuPerOp(m)} ");
            line.Append($"| {Hits(row)} | {(r is null ? "–" : Fmt.Int(r.Errors))}{(cluster ? " / " + (c is null ? "–" : Fmt.Int(c.Errors))  : "")} / {Fmt.Int(m.Errors)} |");
            md.AppendLine(line.ToString());
        }

        md.AppendLine();
    }

    /// <summary>What grid-l1 is, how its hit ratio is counted, and where the section stands against the issue's goal.</summary>
    private static void AppendNearCacheIntro(StringBuilder md, Comparison comparison)
    {
        md.AppendLine($"grid-l1 = Grid.Client with its near cache (L1) on: default `NearCacheOptions` except `MaxEntries` = {Fmt.Int(Hosting.NearCacheClient.MaxEntries)} (room for the Zipf hot set) and `MaxStaleness` = {Fmt.Int(Hosting.NearCacheClient.MaxStaleness.TotalSeconds)} s. " +
            "Each cell gets a fresh client (an empty L1 that its own warm-up fills), unsubscribed after the cell. A get it holds is answered in the client process; a miss reads the grid and keeps the value; a set goes to the grid and keeps the written value in this L1 (`KeepWrittenValues`; the silo tracks it, as after a read). " +
            "**L1 hit ratio** = near-cache hits ÷ gets that looked, from `GetStatistics()` at the measured window's edges; the silo's hits column only sees the L1 misses. At 90/10, sets alone keep at least 10 % of the operations remote.");
        md.AppendLine();
        var (zipf, _, min, max) = comparison.Summary(c => c.ValueSize == 100 && c.GetPercent == 90 && c.Distribution == Load.KeyDistribution.Zipf);
        if (zipf is { } z)
        {
            md.AppendLine($"Goal (issue): Zipf 90/10 with L1 on ≥ 10× redis ops/s. This run: {Fmt.Ratio(z)} (geometric mean; {Fmt.Ratio(min)} – {Fmt.Ratio(max)}) — **{(z >= 10 ? "met" : "not met")}**.");
            md.AppendLine();
        }
    }

    private static string NearHits(CellResult row) => row.NearCache?.HitRatio is { } h ? Fmt.Dec(h * 100) + "%" : "–";

    private static string Latencies(Load.LoadMeasurement m) => $"{Fmt.Int(m.P50Micros)} / {Fmt.Int(m.P99Micros)} / {Fmt.Int(m.P999Micros)}";

    private static string Cpu(Load.LoadMeasurement m) => $"{Fmt.Percent(m.ClientCpuPercent)} / {Fmt.Percent(m.ServerCpuPercent)}";

    private static string Hits(CellResult row) => row.HitRatio is { } h ? Fmt.Dec(h * 100) + "%" : "–";

    private static void AppendMemory(StringBuilder md, MemoryResult? memory)
    {
        if (memory is null)
        {
            return;
        }

        int n = memory.Entries;
        md.AppendLine($"## Memory: {Fmt.Int(n)} entries of {memory.ValueSize} B (keys `key:0000000`…)");
        md.AppendLine();
        md.AppendLine("Loaded into a fresh redis-server and a fresh single silo; each figure is after minus before (the empty server's baseline, measured just before loading), divided by the entries. The grid's GC heap and RSS are read after a forced compacting GC (`ISiloEntryGrain.CollectGarbage`). The silo's baseline is before any partition grain was activated, so per-entry figures include the 1,024 partition activations.");
        md.AppendLine();
        md.AppendLine("| bytes per entry | redis-server | grid | grid ÷ redis |");
        md.AppendLine("|---|---:|---:|---:|");
        var r = memory.Redis;
        var g = memory.Grid;
        md.AppendLine($"| data: redis `used_memory` vs grid accounted `Bytes` (the budget's view) | {Per(r?.UsedPerEntry(n))} | {Per(g?.AccountedPerEntry(n))} | {Fmt.Ratio(Ratio(g?.AccountedPerEntry(n), r?.UsedPerEntry(n)))} |");
        md.AppendLine($"| heap: redis `used_memory` vs grid GC heap after forced GC | {Per(r?.UsedPerEntry(n))} | {Per(g?.GcHeapPerEntry(n))} | {Fmt.Ratio(Ratio(g?.GcHeapPerEntry(n), r?.UsedPerEntry(n)))} |");
        md.AppendLine($"| process RSS (/proc VmRSS) | {Per(r?.RssPerEntry(n))} | {Per(g?.RssPerEntry(n))} | {Fmt.Ratio(Ratio(g?.RssPerEntry(n), r?.RssPerEntry(n)))} |");
        md.AppendLine($"| entries present after loading | {(r is null ? "–" : Fmt.Int(r.Keys))} | {(g is null ? "–" : Fmt.Int(g.Entries))} | |");
        md.AppendLine($"| load time (MSET / SetManyAsync, 1,000 keys per call, 8 in flight) | {(r is null ? "–" : Fmt.Dec(r.LoadSeconds) + " s")} | {(g is null ? "–" : Fmt.Dec(g.LoadSeconds) + " s")} | {Fmt.Ratio(Ratio(g?.LoadSeconds, r?.LoadSeconds))} |");
        md.AppendLine();
        md.AppendLine("Baselines subtracted: " +
            (r is null ? "" : $"redis-server used_memory {Fmt.Bytes(r.UsedBefore)}, RSS {Fmt.Bytes(r.RssBefore)}; ") +
            (g is null ? "" : $"silo accounted {Fmt.Bytes(g.AccountedBefore)}, GC heap {Fmt.Bytes(g.GcHeapBefore)}, RSS {Fmt.Bytes(g.RssBefore)}; after loading: GC heap {Fmt.Bytes(g.GcHeapAfter)}, RSS {Fmt.Bytes(g.RssAfter)}, evictions {Fmt.Int(g.Evictions)}."));
        md.AppendLine();
    }

    private static string Per(double? value) => value is { } v ? Fmt.Int(v) : "–";

    private static double? Ratio(double? grid, double? redis) => grid is { } g && redis is { } r ? Fmt.Divide(g, r) : null;

    private static void AppendRedisBenchmark(StringBuilder md, BenchResults results)
    {
        if (results.RedisBenchmark.Count == 0)
        {
            return;
        }

        md.AppendLine("## Reference: redis-benchmark against the same redis-server");
        md.AppendLine();
        md.AppendLine("A C client with 64 connections (no .NET, no multiplexing): what redis-server itself can do here, next to StackExchange.Redis's single multiplexed connection above. Server CPU is over the whole command (SET and GET tests).");
        md.AppendLine();
        md.AppendLine("| command | test | requests/s | p50 µs | p99 µs | redis-server CPU |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in results.RedisBenchmark)
        {
            md.AppendLine($"| `{row.Command}` | {row.Test} | {Fmt.Int(row.RequestsPerSecond)} | {Fmt.Int(row.P50Micros)} | {Fmt.Int(row.P99Micros)} | {Fmt.Percent(row.ServerCpuPercent)} |");
        }

        md.AppendLine();
    }

    private static void AppendPreloads(StringBuilder md, BenchResults results)
    {
        if (results.Preloads.Count == 0)
        {
            return;
        }

        md.AppendLine("## Preloads (bulk writes before the cells)");
        md.AppendLine();
        md.AppendLine("| phase | system | keys × value | seconds | keys/s |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var p in results.Preloads)
        {
            md.AppendLine($"| {(p.Silos == 1 ? "1 silo" : $"{p.Silos} silos")} | {p.System} | {Fmt.Int(p.Keys)} × {p.ValueSize} B | {Fmt.Dec(p.Seconds)} | {Fmt.Int(p.KeysPerSecond)} |");
        }

        md.AppendLine();
        if (results.WarmUps.Count == 0)
        {
            return;
        }

        md.AppendLine("## Warm-ups (untimed, until two rounds in a row are within 5 % of each other's ops/s)");
        md.AppendLine();
        md.AppendLine("| phase | system | value | seconds | steady |");
        md.AppendLine("|---|---|---:|---:|---|");
        foreach (var w in results.WarmUps)
        {
            md.AppendLine($"| {(w.Silos == 1 ? "1 silo" : $"{w.Silos} silos")} | {w.System} | {w.ValueSize} B | {Fmt.Dec(w.Seconds)} | {(w.Steady ? "yes" : "no (round limit)")} |");
        }

        md.AppendLine();
    }

    private static void AppendNotes(StringBuilder md, BenchResults results)
    {
        if (results.Notes.Count == 0)
        {
            return;
        }

        md.AppendLine("## Notes");
        md.AppendLine();
        foreach (var note in results.Notes)
        {
            md.AppendLine($"- {note}");
        }

        md.AppendLine();
    }
}
