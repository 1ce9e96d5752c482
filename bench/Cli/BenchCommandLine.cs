using System.CommandLine;
using Grid.Bench.Micro;
using Grid.Bench.Runner;
using Grid.Grains.Storage;

namespace Grid.Bench.Cli;

/// <summary>The command line: the harness (default), and <c>micro</c> for BenchmarkDotNet.</summary>
internal static class BenchCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var quick = new Option<bool>("--quick") { Description = "Short pass (about 3 minutes): fewer cells of ~2 s, 100k throughput keys, the memory section still at 1M entries." };
        var smoke = new Option<bool>("--smoke") { Description = "Seconds-long check: 1 silo, one cell per system at N=16 for 0.5 s, 10k-entry memory check. Writes the same files." };
        var only = new Option<string[]>("--only")
        {
            Description = "Systems to measure: redis, redis-cluster, grid, grid-async, grid-unbatched, grid-l1 (comma-separated or repeated).",
            AllowMultipleArgumentsPerToken = true,
        };
        var duration = new Option<double?>("--duration") { Description = "Measured seconds per cell." };
        var warmup = new Option<double?>("--warmup") { Description = "Warm-up seconds before each cell's measurement." };
        var concurrency = new Option<string?>("--concurrency") { Description = "Concurrent async loops per cell, e.g. 1,16,64,256." };
        var silos = new Option<string?>("--silos") { Description = "Grid topologies to run, e.g. 1,3 (3 = three silo processes with Redis membership)." };
        var noBatching = new Option<bool>("--no-batching") { Description = "Measure the grid with one grain call per operation (GridClientOptions.Batching = false)." };
        var keys = new Option<int?>("--keys") { Description = "Keys preloaded for the throughput cells." };
        var memoryEntries = new Option<int?>("--memory-entries") { Description = "Entries loaded for the memory section." };
        var rate = new Option<double?>("--rate") { Description = "Open loop: total target ops/s spread over the loops; latency counts from each op's scheduled send time." };
        var results = new Option<string?>("--results") { Description = "Folder for run folders (default bench/results); the newest run is also copied to <folder>/latest." };
        var siloDll = new Option<string?>("--silo-dll") { Description = "Grid.Silo.dll to start (default src/Silo/bin/Release/net10.0/Grid.Silo.dll)." };
        var cores = new Option<int?>("--cores") { Description = "Limit silos and redis-server processes to N cores: DOTNET_PROCESSOR_COUNT=N for silos, and `taskset -c 0-(N-1)` for both when taskset is on PATH." };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines instead of the live display." };
        var noMemory = new Option<bool>("--no-memory") { Description = "Skip the memory section." };
        var memoryOnly = new Option<bool>("--memory-only") { Description = "Run only the memory section (no throughput cells, no redis-benchmark): the fastest way to measure bytes per entry." };
        var noRedisBenchmark = new Option<bool>("--no-redis-benchmark") { Description = "Skip the redis-benchmark reference rows." };
        var planOnly = new Option<bool>("--plan") { Description = "Print the cells and an estimated duration, then exit without running anything." };

        var root = new RootCommand("Grid side by side with redis-server (StackExchange.Redis): throughput, latency, CPU, memory.")
        {
            quick, smoke, only, duration, warmup, concurrency, silos, noBatching, keys, memoryEntries, rate, results, siloDll, cores, plain, noMemory, memoryOnly, noRedisBenchmark, planOnly,
        };

        var micro = new Command("micro", "BenchmarkDotNet micro-benchmarks; other arguments go to BenchmarkDotNet (default --filter *).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        micro.SetAction(_ => MicroRunner.Run(args.AsSpan(1).ToArray()));
        root.Subcommands.Add(micro);

        var growthKeys = new Option<int?>("--keys") { Description = "Keys inserted (default 1,000,000)." };
        var growthRuns = new Option<int?>("--runs") { Description = "Fills timed (default 3)." };
        var growth = new Command("growth", "Per-insert latency (p50 to max) while one partition store grows from empty to --keys keys.") { growthKeys, growthRuns };
        growth.SetAction(parse => GrowthLatencyRunner.Run(
            PositiveInt(parse.GetValue(growthKeys), "--keys", RecordTable.MaxEntries) ?? 1_000_000,
            PositiveInt(parse.GetValue(growthRuns), "--runs", 100) ?? 3));
        root.Subcommands.Add(growth);

        var snapshotKeys = new Option<int?>("--keys") { Description = "Entries in the silo's 1,024 partitions (default 1,000,000)." };
        var snapshotRuns = new Option<int?>("--runs") { Description = "Write-and-load rounds (default 3)." };
        var snapshotDir = new Option<string?>("--dir") { Description = "Directory for the snapshot files (default: a temporary one, deleted after)." };
        var snapshot = new Command("snapshot", "Warm restart: time to write every partition's snapshot file, the longest partition pause, and time to load them back.") { snapshotKeys, snapshotRuns, snapshotDir };
        snapshot.SetAction(parse => SnapshotRunner.RunAsync(
            PositiveInt(parse.GetValue(snapshotKeys), "--keys", 50_000_000) ?? 1_000_000,
            PositiveInt(parse.GetValue(snapshotRuns), "--runs", 100) ?? 3,
            parse.GetValue(snapshotDir)));
        root.Subcommands.Add(snapshot);

        var tagSizes = new Option<string?>("--sizes") { Description = "Keys per tag / pattern, e.g. 10000,100000,1000000 (the default)." };
        var tagSilos = new Option<int?>("--silos") { Description = "Silo processes (default 3, with Redis membership)." };
        var tagSiloDll = new Option<string?>("--silo-dll") { Description = "Grid.Silo.dll to start." };
        var tags = new Command("tags", "Times invalidation by tag and by pattern at growing sizes, with reads running meanwhile.") { tagSizes, tagSilos, tagSiloDll };
        tags.SetAction(async parse =>
        {
            int[] sizes;
            try
            {
                sizes = ParseInts(parse.GetValue(tagSizes), "--sizes", 1, 9_999_999);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            return await Tags.TagBenchmark.RunAsync(sizes.Length > 0 ? sizes : [10_000, 100_000, 1_000_000], parse.GetValue(tagSilos) ?? 3, parse.GetValue(tagSiloDll));
        });
        root.Subcommands.Add(tags);

        var bulkKeys = new Option<int?>("--keys") { Description = "Keys written and read per pass (default 1,000,000)." };
        var bulkSilos = new Option<string?>("--silos") { Description = "Grid topologies, e.g. 1,3 (the default; several silos use Redis membership)." };
        var bulkSiloDll = new Option<string?>("--silo-dll") { Description = "Grid.Silo.dll to start." };
        var bulk = new Command("bulk", "Times SetManyAsync into a cold and a warm grid, and GetManyAsync, against redis-server MSET/MGET of the same keys.") { bulkKeys, bulkSilos, bulkSiloDll };
        bulk.SetAction(async parse =>
        {
            int keyCount;
            int[] topologies;
            try
            {
                keyCount = PositiveInt(parse.GetValue(bulkKeys), "--keys", 9_999_999) ?? 1_000_000;
                topologies = ParseInts(parse.GetValue(bulkSilos), "--silos", 1, 16);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            return await Bulk.BulkBenchmark.RunAsync(keyCount, topologies.Length > 0 ? topologies : [1, 3], parse.GetValue(bulkSiloDll));
        });
        root.Subcommands.Add(bulk);

        var respQuick = new Option<bool>("--quick") { Description = "Short pass: 50,000 requests per redis-benchmark test (8 times that at -P 16), 10 s of silo warm-up, 3 s of StackExchange.Redis per target." };
        var respRequests = new Option<int?>("--requests") { Description = "Requests per redis-benchmark test at -P 1, 8 times that at -P 16 (default 200,000; 50,000 with --quick)." };
        var respSiloDll = new Option<string?>("--silo-dll") { Description = "Grid.Silo.dll to start." };
        var resp = new Command("resp", "The Redis protocol endpoint (1 and 3 silos) next to redis-server: redis-benchmark -P 1 and -P 16, StackExchange.Redis, ratios and goals.") { respQuick, respRequests, respSiloDll };
        resp.SetAction(async parse =>
        {
            if (parse.GetValue(respRequests) is < 1000)
            {
                await Console.Error.WriteLineAsync("--requests must be at least 1000.");
                return 2;
            }

            return await Grid.Bench.Resp.RespBenchmark.RunAsync(parse.GetValue(respQuick), parse.GetValue(respRequests), parse.GetValue(respSiloDll));
        });
        root.Subcommands.Add(resp);

        root.SetAction(async parse =>
        {
            if (parse.GetValue(quick) && parse.GetValue(smoke))
            {
                await Console.Error.WriteLineAsync("--quick and --smoke exclude each other.");
                return 2;
            }

            if (parse.GetValue(memoryOnly) && parse.GetValue(noMemory))
            {
                await Console.Error.WriteLineAsync("--memory-only and --no-memory exclude each other.");
                return 2;
            }

            BenchOptions options;
            try
            {
                options = new BenchOptions
                {
                    Mode = parse.GetValue(smoke) ? BenchMode.Smoke : parse.GetValue(quick) ? BenchMode.Quick : BenchMode.Full,
                    Only = ParseSystems(parse.GetValue(only)),
                    DurationSeconds = Positive(parse.GetValue(duration), "--duration"),
                    WarmupSeconds = NonNegative(parse.GetValue(warmup), "--warmup"),
                    Concurrency = ParseInts(parse.GetValue(concurrency), "--concurrency", 1, 100_000),
                    Silos = ParseInts(parse.GetValue(silos), "--silos", 1, 16),
                    NoBatching = parse.GetValue(noBatching),
                    Keys = PositiveInt(parse.GetValue(keys), "--keys", 9_999_999),
                    MemoryEntries = PositiveInt(parse.GetValue(memoryEntries), "--memory-entries", 9_999_999),
                    Rate = Positive(parse.GetValue(rate), "--rate"),
                    ResultsRoot = parse.GetValue(results),
                    SiloDll = parse.GetValue(siloDll),
                    Cores = PositiveInt(parse.GetValue(cores), "--cores", Environment.ProcessorCount),
                    Plain = parse.GetValue(plain),
                    SkipMemory = parse.GetValue(noMemory),
                    MemoryOnly = parse.GetValue(memoryOnly),
                    SkipRedisBenchmark = parse.GetValue(noRedisBenchmark),
                    PlanOnly = parse.GetValue(planOnly),
                    Arguments = args,
                };
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            if (options.PlanOnly)
            {
                Console.WriteLine(PlanPrinter.Describe(BenchPlan.Create(options)));
                return 0;
            }

            return await BenchRunner.RunAsync(options);
        });

        // The harness handles Ctrl+C itself, so that it can stop its child processes before exiting.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await root.Parse(args).InvokeAsync(invocation);
    }

    private static string[] ParseSystems(string[]? values)
    {
        if (values is null)
        {
            return [];
        }

        var systems = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string name = part.ToLowerInvariant();
                if (!SystemNames.All.Contains(name))
                {
                    throw new ArgumentException($"--only: unknown system '{part}'; use {string.Join(", ", SystemNames.All)}.");
                }

                if (!systems.Contains(name))
                {
                    systems.Add(name);
                }
            }
        }

        return systems.ToArray();
    }

    private static int[] ParseInts(string? text, string name, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            {
                throw new ArgumentException($"{name}: '{part}' is not a whole number between {min} and {max}.");
            }

            if (!values.Contains(value))
            {
                values.Add(value);
            }
        }

        return values.ToArray();
    }

    private static double? Positive(double? value, string name) =>
        value is { } v && !(v > 0) ? throw new ArgumentException($"{name} must be positive.") : value;

    private static double? NonNegative(double? value, string name) =>
        value is { } v && !(v >= 0) ? throw new ArgumentException($"{name} must not be negative.") : value;

    private static int? PositiveInt(int? value, string name, int max) =>
        value is { } v && (v < 1 || v > max) ? throw new ArgumentException($"{name} must be between 1 and {max}.") : value;
}
