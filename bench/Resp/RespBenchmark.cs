using System.Globalization;
using System.Text;
using Grid.Bench.Hosting;
using Grid.Bench.Reporting;

namespace Grid.Bench.Resp;

/// <summary>
/// The Redis protocol endpoint next to redis-server in the same run (issue 17):
/// <c>redis-benchmark -t set,get,incr,lpush,rpop,mset -c 64</c> at <c>-P 1</c> and <c>-P 16</c>, and StackExchange.Redis,
/// against redis-server, the RESP port of one silo, and the RESP ports of three silos (Redis membership; redis-benchmark
/// runs against each silo's port at once, a third of the requests each, the way a client spread over a Service would):
/// <c>dotnet run -c Release --project bench -- resp [--quick] [--requests N] [--silo-dll path]</c>. Writes
/// <c>bench/results/resp-{time}/resp.md</c> with the ratios and the issue's goals.
/// </summary>
/// <remarks>
/// Fresh silo processes first get <see cref="SiloWarmUp"/> of the same load, untimed: a silo compiles its data path for
/// 10-20 s under load on 2 cores (see PhaseRunner), and without it the first tests measured the JIT (20,000 requests
/// of one silo's first test, SET at <c>-P 1</c>, ran at 34K req/s; the same build warm at 63-67K). redis-server is
/// steady at once. <c>-P 16</c> tests send <see cref="PipelinedRequestFactor"/> times the requests of <c>-P 1</c> ones,
/// so they last long enough to measure (20,000 pipelined requests took redis-server 16 ms).
/// </remarks>
internal static class RespBenchmark
{
    public const string Tests = "set,get,incr,lpush,rpop,mset";
    public const int Clients = 64;
    private static readonly int[] Pipelines = [1, 16];

    /// <summary>How many times the <c>-P 1</c> request count a <c>-P 16</c> test sends.</summary>
    public const int PipelinedRequestFactor = 8;

    /// <summary>Untimed load every fresh set of silo processes gets before its first measured test.</summary>
    public static TimeSpan SiloWarmUp(bool quick) => TimeSpan.FromSeconds(quick ? 10 : 20);

    public static async Task<int> RunAsync(bool quick, int? requests, string? siloDll)
    {
        int perTest = requests ?? (quick ? 50_000 : 200_000);
        var seDuration = TimeSpan.FromSeconds(quick ? 3 : 10);
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string output = Path.Combine(RepoPaths.DefaultResultsRoot, "resp-" + stamp);
        Directory.CreateDirectory(output);
        using var supervisor = new ProcessSupervisor();
        var token = supervisor.Token;
        var rows = new List<RespBenchRow>();
        try
        {
            string dll = await SiloBuild.LocateAsync(siloDll, supervisor, output, Console.WriteLine, token);
            await using (var redis = await RedisServer.StartAsync(supervisor, "redis-data", output, token))
            {
                await MeasureAsync(rows, supervisor, "redis-server", [redis.Port], perTest, seDuration, output, token);
            }

            await using (var one = await SiloCluster.StartAsync(supervisor, dll, "silo", 1, null, enableDiagnostics: false, output, token, resp: true))
            {
                await WarmUpAsync(supervisor, "grid 1 silo", one.RespPorts, SiloWarmUp(quick), output, token);
                await MeasureAsync(rows, supervisor, "grid 1 silo", one.RespPorts, perTest, seDuration, output, token);
            }

            await using (var membership = await RedisServer.StartAsync(supervisor, "membership", output, token))
            await using (var three = await SiloCluster.StartAsync(supervisor, dll, "silo3", 3, $"127.0.0.1:{membership.Port}", enableDiagnostics: false, output, token, resp: true))
            {
                await WarmUpAsync(supervisor, "grid 3 silos", three.RespPorts, SiloWarmUp(quick), output, token);
                await MeasureAsync(rows, supervisor, "grid 3 silos", three.RespPorts, perTest, seDuration, output, token);
            }

            string report = Report(rows, perTest, seDuration, quick);
            string file = Path.Combine(output, "resp.md");
            await File.WriteAllTextAsync(file, report, token);
            MissesDocument.CopyTo(output);
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

    /// <summary>
    /// Runs the measured load (every test at each pipeline depth, spread over the ports) untimed until
    /// <paramref name="duration"/> has passed, so the silos' data path is compiled before anything is measured.
    /// </summary>
    private static async Task WarmUpAsync(ProcessSupervisor supervisor, string target, IReadOnlyList<int> ports, TimeSpan duration, string output, CancellationToken token)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target,-14} warming up for {duration.TotalSeconds:N0} s"));
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (elapsed.Elapsed < duration)
        {
            foreach (int pipeline in Pipelines)
            {
                await RunToolAsync(supervisor, "warm-up " + target, ports, WarmUpRequests, pipeline, output, token);
            }
        }
    }

    /// <summary>Requests per test of one warm-up round at <c>-P 1</c> (a round of six tests at both depths takes a few seconds).</summary>
    private const int WarmUpRequests = 20_000;

    /// <summary>redis-benchmark at each pipeline depth (spread over the ports), then StackExchange.Redis on the first port.</summary>
    private static async Task MeasureAsync(List<RespBenchRow> rows, ProcessSupervisor supervisor, string target, IReadOnlyList<int> ports, int requests, TimeSpan seDuration, string output, CancellationToken token)
    {
        foreach (int pipeline in Pipelines)
        {
            var results = await RunToolAsync(supervisor, target, ports, requests, pipeline, output, token);

            // Several ports at once: their rates add up (each ran a share of the clients and requests at the same time).
            foreach (var row in results[0])
            {
                double rate = 0;
                double p50 = 0;
                double p99 = 0;
                foreach (var part in results)
                {
                    var same = part.Find(r => r.Test == row.Test);
                    rate += same?.RequestsPerSecond ?? 0;
                    p50 = Math.Max(p50, same?.P50Micros ?? 0);
                    p99 = Math.Max(p99, same?.P99Micros ?? 0);
                }

                var merged = row with { Target = target, RequestsPerSecond = rate, P50Micros = p50, P99Micros = p99 };
                rows.Add(merged);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target,-14} {merged.Tool,-22} {merged.Test,-16} {merged.RequestsPerSecond,12:N0} req/s"));
            }
        }

        var se = await StackExchangeLoop.RunAsync(target, ports[0], seDuration, token);
        rows.Add(se);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target,-14} {se.Tool,-22} {se.Test,-16} {se.RequestsPerSecond,12:N0} ops/s"));
    }

    /// <summary>
    /// redis-benchmark on every port at once, each with its share of the clients and requests (<paramref name="requests"/>
    /// at <c>-P 1</c>, <see cref="PipelinedRequestFactor"/> times that when pipelined); the rows of each port.
    /// </summary>
    private static Task<List<RespBenchRow>[]> RunToolAsync(ProcessSupervisor supervisor, string target, IReadOnlyList<int> ports, int requests, int pipeline, string output, CancellationToken token)
    {
        if (pipeline > 1)
        {
            requests *= PipelinedRequestFactor;
        }

        var runs = new List<Task<List<RespBenchRow>>>();
        for (int i = 0; i < ports.Count; i++)
        {
            runs.Add(RespToolRunner.RunAsync(supervisor, ports.Count == 1 ? target : $"{target}#{i}", ports[i], Tests, requests / ports.Count, Clients / ports.Count, pipeline, output, token));
        }

        return Task.WhenAll(runs);
    }

    /// <summary>The table (each grid rate with its ratio to redis-server's) and the goals.</summary>
    internal static string Report(List<RespBenchRow> rows, int requests, TimeSpan seDuration, bool quick)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Redis protocol endpoint vs redis-server, {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}{(quick ? " (quick)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"redis-benchmark -t {Tests} -c {Clients} -n {requests:N0} at -P 1 and {requests * PipelinedRequestFactor:N0} at -P 16 (3 silos: the clients and requests split over the three RESP ports at once), after {SiloWarmUp(quick).TotalSeconds:N0} s of untimed load on fresh silos; StackExchange.Redis: {StackExchangeLoop.Loops} loops for {seDuration.TotalSeconds:N0} s. One machine runs the servers and the tools: the ratios, not the rates, are the result.");
        md.AppendLine();
        md.AppendLine("| tool | test | redis-server | grid 1 silo | ratio | grid 3 silos | ratio |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var baseline in rows.FindAll(r => r.Target == "redis-server"))
        {
            var one = Find(rows, "grid 1 silo", baseline);
            var three = Find(rows, "grid 3 silos", baseline);
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {baseline.Tool} | {baseline.Test} | {baseline.RequestsPerSecond:N0} | {Rate(one)} | {Fmt.Ratio(Ratio(one, baseline))} | {Rate(three)} | {Fmt.Ratio(Ratio(three, baseline))} |"));
        }

        md.AppendLine();
        md.AppendLine("## Goals");
        md.AppendLine();
        md.AppendLine("| goal | bound | this run (worst test) | tests | verdict | why a miss |");
        md.AppendLine("|---|---|---:|---:|---|---|");
        foreach (var goal in Goals(rows))
        {
            md.AppendLine($"| {goal.Goal} | {goal.BoundText} | {Fmt.Ratio(goal.Ratio)} | {goal.Cells} | {goal.Verdict} | {goal.WhyLink} |");
        }

        return md.ToString();
    }

    /// <summary>The issue's goals: 1 silo ≥ 1.0× redis-server at -P 16 and ≥ 0.9× at -P 1; 3 silos ≥ 1.0× one redis-server.</summary>
    internal static List<GoalCheck> Goals(List<RespBenchRow> rows) =>
    [
        Worst(rows, "RESP, 1 silo, redis-benchmark -P 16: req/s vs redis-server", "grid 1 silo", "redis-benchmark -P 16", 1.0, "resp-one-silo"),
        Worst(rows, "RESP, 1 silo, redis-benchmark -P 1: req/s vs redis-server", "grid 1 silo", "redis-benchmark -P 1", 0.9, "resp-one-silo"),
        Worst(rows, "RESP, 3 silos, redis-benchmark -P 1 and -P 16: req/s vs one redis-server", "grid 3 silos", "redis-benchmark", 1.0, "resp-three-silos"),
    ];

    private static GoalCheck Worst(List<RespBenchRow> rows, string goal, string target, string toolPrefix, double bound, string why)
    {
        double? worst = null;
        int cells = 0;
        foreach (var baseline in rows.FindAll(r => r.Target == "redis-server" && (r.Tool == toolPrefix || (toolPrefix == "redis-benchmark" && r.Tool.StartsWith("redis-benchmark ", StringComparison.Ordinal)))))
        {
            if (Ratio(Find(rows, target, baseline), baseline) is { } ratio)
            {
                worst = worst is null ? ratio : Math.Min(worst.Value, ratio);
                cells++;
            }
        }

        return new GoalCheck(goal, bound, AtLeast: true, worst, cells, why);
    }

    private static RespBenchRow? Find(List<RespBenchRow> rows, string target, RespBenchRow baseline) =>
        rows.Find(r => r.Target == target && r.Tool == baseline.Tool && r.Test == baseline.Test);

    private static double? Ratio(RespBenchRow? row, RespBenchRow baseline) =>
        row is null || baseline.RequestsPerSecond <= 0 ? null : row.RequestsPerSecond / baseline.RequestsPerSecond;

    private static string Rate(RespBenchRow? row) => row is null ? "–" : row.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture);
}
