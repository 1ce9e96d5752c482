using System.Globalization;
using System.Text;
using Grid.Bench.Hosting;
using Grid.Bench.Load;
using Grid.Bench.Reporting;

namespace Grid.Bench.Bulk;

/// <summary>
/// Times bulk loads and reads against redis-server MSET/MGET pipelines of the same keys:
/// <c>dotnet run -c Release --project bench -- bulk [--keys 1000000] [--silos 1,3]</c>. For each topology: redis-server
/// (flushed) takes the keys by MSET in chunks of 1,000, 8 in flight (cold), takes them again (warm) and gives them back by
/// MGET (read); a fresh grid of that many silos takes the same keys by SetManyAsync in the same chunks (cold: every
/// partition activates on the way), again (warm), and gives them back by GetManyAsync. Cold minus warm is what the
/// activation of the partitions costs. Writes <c>bench/results/bulk-&lt;time&gt;/bulk.md</c> and <c>bulk.csv</c>.
/// </summary>
internal static class BulkBenchmark
{
    private const int ValueSize = 100;

    public static async Task<int> RunAsync(int keys, int[] topologies, string? siloDll)
    {
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string output = Path.Combine(RepoPaths.DefaultResultsRoot, "bulk-" + stamp);
        Directory.CreateDirectory(output);
        using var supervisor = new ProcessSupervisor();
        var token = supervisor.Token;
        var rows = new List<BulkRow>();
        try
        {
            string dll = await SiloBuild.LocateAsync(siloDll, supervisor, output, Console.WriteLine, token);
            var space = KeySpace.Create(keys);
            var value = KeySpace.Value(ValueSize);
            await using var redis = await RedisServer.StartAsync(supervisor, "data", output, token);
            int[] redisPid = [redis.ProcessId];
            foreach (int silos in topologies)
            {
                await redis.FlushAsync();
                rows.Add(await TimeAsync(silos, "redis", BulkPhase.Cold, keys, redisPid, async () => { await Preloader.RedisAsync(redis.Database, space, keys, value, token); return 0; }));
                rows.Add(await TimeAsync(silos, "redis", BulkPhase.Warm, keys, redisPid, async () => { await Preloader.RedisAsync(redis.Database, space, keys, value, token); return 0; }));
                rows.Add(await TimeAsync(silos, "redis", BulkPhase.Read, keys, redisPid, () => BulkReads.RedisAsync(redis.Database, space, keys, token)));
                await redis.FlushAsync();

                Console.WriteLine($"starting {silos} silo(s)");
                await using var membership = silos > 1 ? await RedisServer.StartAsync(supervisor, $"membership-{silos}", output, token) : null;
                string? membershipEndpoint = membership is null ? null : $"127.0.0.1:{membership.Port}";
                await using var cluster = await SiloCluster.StartAsync(supervisor, dll, $"silo-{silos}", silos, membershipEndpoint, enableDiagnostics: false, output, token);
                await using var grid = await GridConnection.ConnectAsync(cluster, Path.Combine(output, $"client-{silos}.log"), token);
                var pids = cluster.ProcessIds;
                rows.Add(await TimeAsync(silos, "grid", BulkPhase.Cold, keys, pids, async () => { await Preloader.GridAsync(grid.Batched, space, keys, value, token); return 0; }));
                rows.Add(await TimeAsync(silos, "grid", BulkPhase.Warm, keys, pids, async () => { await Preloader.GridAsync(grid.Batched, space, keys, value, token); return 0; }));
                rows.Add(await TimeAsync(silos, "grid", BulkPhase.Read, keys, pids, () => BulkReads.GridAsync(grid.Batched, space, keys, token)));
            }

            string report = Report(rows, keys);
            await File.WriteAllTextAsync(Path.Combine(output, "bulk.md"), report, token);
            await File.WriteAllTextAsync(Path.Combine(output, "bulk.csv"), Csv(rows), token);
            Console.WriteLine();
            Console.WriteLine(report);
            Console.WriteLine($"written to {output}");
            return 0;
        }
        finally
        {
            supervisor.KillAll();
        }
    }

    /// <summary>Runs one pass and measures its wall time and the CPU of the harness and of the servers meanwhile.</summary>
    private static async Task<BulkRow> TimeAsync(int silos, string system, BulkPhase phase, int keys, IReadOnlyList<int> serverPids, Func<Task<int>> pass)
    {
        // Garbage of the previous pass is not charged to this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var client = ProcStat.CpuTime(Environment.ProcessId);
        var server = ProcStat.CpuTime(serverPids);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        int misses = await pass();
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var row = new BulkRow(
            silos,
            system,
            phase,
            keys,
            seconds,
            (ProcStat.CpuTime(Environment.ProcessId) - client).TotalSeconds,
            (ProcStat.CpuTime(serverPids) - server).TotalSeconds,
            misses);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{silos} silo(s) {system,-5} {Name(phase),-5} {keys:N0} keys in {seconds:0.00} s = {row.KeysPerSecond:N0} keys/s, CPU {row.CpuMicrosPerKey:0.0} µs/key{(misses > 0 ? $", {misses} MISSING" : "")}"));
        return row;
    }

    private static string Report(List<BulkRow> rows, int keys)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Bulk load and read, {keys:N0} keys × {ValueSize} B, {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}");
        text.AppendLine();
        text.AppendLine("Chunks of 1,000 keys, 8 in flight: redis-server MSET / MGET (StackExchange.Redis) against Grid.Client SetManyAsync / GetManyAsync (batching on, near cache off, sync replication with several silos). cold: into an empty redis-server and a fresh grid (every partition activates during the pass); warm: the same keys again; read: every key back. CPU µs/key is (harness + servers) CPU time ÷ keys.");
        text.AppendLine();
        text.AppendLine("| silos | pass | redis keys/s | grid keys/s | **× redis** | redis s | grid s | redis CPU µs/key | grid CPU µs/key (client + server) | missing |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var grid in rows)
        {
            if (grid.System != "grid")
            {
                continue;
            }

            var redis = rows.Find(r => r.System == "redis" && r.Silos == grid.Silos && r.Phase == grid.Phase);
            double? ratio = redis is null ? null : Fmt.Divide(grid.KeysPerSecond, redis.KeysPerSecond);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {grid.Silos} | {Name(grid.Phase)} | {(redis is null ? "–" : Fmt.Int(redis.KeysPerSecond))} | {Fmt.Int(grid.KeysPerSecond)} | {Fmt.Ratio(ratio)} | {(redis is null ? "–" : Fmt.Dec(redis.Seconds, 2))} | {Fmt.Dec(grid.Seconds, 2)} | {(redis is null ? "–" : Fmt.Dec(redis.CpuMicrosPerKey))} | {Fmt.Dec(grid.CpuMicrosPerKey)} ({Fmt.Dec(grid.ClientCpuSeconds * 1e6 / Math.Max(1, grid.Keys))} + {Fmt.Dec(grid.ServerCpuSeconds * 1e6 / Math.Max(1, grid.Keys))}) | {grid.Misses + (redis?.Misses ?? 0)} |");
        }

        text.AppendLine();
        foreach (var cold in rows)
        {
            if (cold.System == "grid" && cold.Phase == BulkPhase.Cold && rows.Find(r => r.System == "grid" && r.Silos == cold.Silos && r.Phase == BulkPhase.Warm) is { } warm)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {cold.Silos} silo(s): cold − warm = {Fmt.Dec(cold.Seconds - warm.Seconds, 2)} s, what activating the partitions (and seeding their replicas) added to the cold pass.");
            }
        }

        return text.ToString();
    }

    private static string Csv(List<BulkRow> rows)
    {
        var text = new StringBuilder("silos,system,pass,keys,seconds,keys_per_s,client_cpu_s,server_cpu_s,cpu_us_per_key,missing\n");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Silos},{row.System},{Name(row.Phase)},{row.Keys},{Fmt.Csv(row.Seconds)},{Fmt.Csv(row.KeysPerSecond)},{Fmt.Csv(row.ClientCpuSeconds)},{Fmt.Csv(row.ServerCpuSeconds)},{Fmt.Csv(row.CpuMicrosPerKey)},{row.Misses}");
        }

        return text.ToString();
    }

    private static string Name(BulkPhase phase) => phase switch
    {
        BulkPhase.Cold => "cold",
        BulkPhase.Warm => "warm",
        _ => "read",
    };
}
