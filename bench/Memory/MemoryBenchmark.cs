using Grid.Bench.Hosting;
using Grid.Bench.Load;
using Grid.Bench.Progress;
using Grid.Bench.Reporting;
using Grid.Bench.Runner;

namespace Grid.Bench.Memory;

/// <summary>
/// Loads the same entries (<c>key:0000001</c>…, 100-byte values) into a fresh redis-server and a fresh single silo and
/// reports what each entry costs: redis used_memory and RSS; the grid's accounted bytes, GC heap after a forced
/// compacting GC and RSS — each minus the empty server's figure measured just before loading.
/// </summary>
internal static class MemoryBenchmark
{
    public const int ValueSize = 100;

    public static async Task<MemoryResult> RunAsync(BenchPlan plan, RunContext run, KeySpace keys, CancellationToken cancellationToken)
    {
        int entries = plan.MemoryEntries;
        var value = KeySpace.Value(ValueSize);
        RedisMemory? redis = null;
        GridMemory? grid = null;

        if (plan.MemoryRedis)
        {
            run.Progress.Status($"memory: {entries:N0} entries into a fresh redis-server");
            await using var server = await RedisServer.StartAsync(run.Supervisor, "redis-memory", run.LogDirectory, cancellationToken, run.Cores);
            long used0 = await server.InfoNumberAsync("memory", "used_memory");
            long rss0 = ProcStat.RssBytes(server.ProcessId);
            var elapsed = await Preloader.RedisAsync(server.Database, keys, entries, value, cancellationToken);
            long used1 = await server.InfoNumberAsync("memory", "used_memory");
            long rss1 = ProcStat.RssBytes(server.ProcessId);
            long count = await server.Server.DatabaseSizeAsync();
            redis = new RedisMemory(used0, used1, rss0, rss1, count, elapsed.TotalSeconds);
            run.Progress.StepDone($"memory redis-server: {redis.UsedPerEntry(entries):0} B/entry used_memory, {redis.RssPerEntry(entries):0} B/entry RSS; {count:N0} keys loaded in {elapsed.TotalSeconds:0.0} s");
        }

        if (plan.MemoryGrid)
        {
            run.Progress.Status($"memory: {entries:N0} entries into a fresh silo");
            await using var cluster = await SiloCluster.StartAsync(run.Supervisor, run.SiloDll, "silo-memory", 1, null, enableDiagnostics: true, run.LogDirectory, cancellationToken, cores: run.Cores);
            await using var connection = await GridConnection.ConnectAsync(cluster, Path.Combine(run.LogDirectory, "client-memory.log"), cancellationToken);
            var before = await connection.CollectGarbageAsync();
            long rss0 = cluster.RssBytes();
            var elapsed = await Preloader.GridAsync(connection.Batched, keys, entries, value, cancellationToken);
            var after = await connection.CollectGarbageAsync();
            long rss1 = cluster.RssBytes();
            grid = new GridMemory(
                Sum(before, s => s.Bytes),
                Sum(after, s => s.Bytes),
                Sum(before, s => s.GcHeapBytes),
                Sum(after, s => s.GcHeapBytes),
                rss0,
                rss1,
                Sum(after, s => s.Entries),
                Sum(after, s => s.Evictions),
                elapsed.TotalSeconds);
            run.Progress.StepDone($"memory grid: {grid.AccountedPerEntry(entries):0} B/entry accounted, {grid.GcHeapPerEntry(entries):0} B/entry GC heap, {grid.RssPerEntry(entries):0} B/entry RSS; {grid.Entries:N0} entries loaded in {elapsed.TotalSeconds:0.0} s");
        }

        return new MemoryResult { Entries = entries, ValueSize = ValueSize, Redis = redis, Grid = grid };
    }

    private static long Sum(GridSiloStatistics[] silos, Func<GridSiloStatistics, long> field)
    {
        long total = 0;
        foreach (var silo in silos)
        {
            total += field(silo);
        }

        return total;
    }
}
