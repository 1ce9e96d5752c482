using System.Globalization;
using System.Text;
using Grid.Client;
using Grid.Tests.Shared;
using Xunit.Abstractions;

namespace Grid.Cli.Tests;

/// <summary>
/// The bad-input sweep through the CLI's in-process entry point (<see cref="GridCli.RunAsync"/>): generated command
/// lines with invalid keys (unpaired surrogates, control characters, huge lengths), bad durations and numbers, wrong
/// types, missing and unknown arguments. Every run must end with a documented exit code (0, 1, 2) and a one-line error,
/// never an unexpected failure; after each batch the grid must answer and no refused <c>set</c> may have written.
/// </summary>
[Collection(CliClusterCollection.Name)]
public sealed class BadInputSweepTests(CliClusterFixture fixture, ITestOutputHelper output)
{
    public const int Cases = 2_000;
    private const int BatchSize = 250;

    private static readonly string[] Durations = ["-5s", "0", "0s", "1e99h", "abc", "99999999999d", "00:00:30", "", "1.5m", "\uD800s", "30", "10675199d", "-00:00:01"];
    private static readonly string[] Numbers = ["0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "x", "", "1e3", "٣"];
    private static readonly string[] Commands = ["set", "get", "incr", "decr", "del", "exists", "ttl", "expire", "persist", "type", "hset", "hget", "hgetall", "hdel", "lpush", "rpush", "lrange", "llen", "invalidate-tag", "invalidate-pattern", "stats", "hotkeys", "bogus"];

    [Fact]
    public async Task Two_thousand_malformed_command_lines_end_with_documented_exit_codes_and_leave_the_grid_healthy()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var gen = new SweepInputs(random, fixture.Cache.Limits);
        var refusedSets = new List<string>();
        var exits = new Dictionary<int, int>();
        for (int index = 0; index < Cases; index++)
        {
            string prefix = $"clisw:{index}:";
            var args = CommandLine(gen, prefix, out string? setKey);
            var result = await Cli.RunAsync(fixture.Cache, args);
            exits[result.ExitCode] = exits.GetValueOrDefault(result.ExitCode) + 1;
            Assert.True(result.ExitCode is 0 or 1 or 2, $"seed {seed} case {index}: [{Show(args)}] -> {result}");
            Assert.DoesNotContain("unexpected failure", result.Error, StringComparison.Ordinal);
            if (result.ExitCode == 2)
            {
                Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
                if (setKey is not null)
                {
                    refusedSets.Add(setKey);
                }
            }

            if ((index + 1) % BatchSize == 0)
            {
                await CheckBatchAsync(refusedSets, seed);
            }
        }

        output.WriteLine($"{Cases} command lines: {string.Join(", ", exits.OrderBy(p => p.Key).Select(p => $"exit {p.Key}: {p.Value}"))}");
    }

    private async Task CheckBatchAsync(List<string> refusedSets, int seed)
    {
        Assert.All(fixture.Cluster.Silos, s => Assert.True(s.IsActive));
        Assert.Equal(2, (await fixture.Cache.GetSiloStatisticsAsync()).Count);
        var strict = new UTF8Encoding(false, true);
        foreach (var key in refusedSets)
        {
            bool valid = key.Length is > 0 and <= 8192;
            try
            {
                valid = valid && strict.GetByteCount(key) <= fixture.Cache.Limits.MaxKeyBytes;
            }
            catch (EncoderFallbackException)
            {
                valid = false;
            }

            if (valid)
            {
                Assert.False(await fixture.Cache.ExistsAsync(key), $"seed {seed}: a refused set wrote '{key}'");
            }
        }

        refusedSets.Clear();
    }

    private static string[] CommandLine(SweepInputs gen, string prefix, out string? setKey)
    {
        setKey = null;
        string command = Commands[gen.Next(Commands.Length)];
        string Key() => gen.Key(prefix) ?? "";
        string Text() => gen.Next(4) switch { 0 => "\uDC00x", 1 => "line\nbreak\0", 2 => "-dash", _ => "v" + gen.Next() };
        var args = new List<string> { command };
        switch (command)
        {
            case "set":
                setKey = Key();
                args.Add(setKey);
                if (gen.Chance(90))
                {
                    args.Add(Text());
                }

                if (gen.Chance(40))
                {
                    args.AddRange([gen.Chance(50) ? "--ttl" : "--sliding", Durations[gen.Next(Durations.Length)]]);
                }

                if (gen.Chance(10))
                {
                    args.AddRange(["--nx", "--xx"]);
                }

                if (gen.Chance(20))
                {
                    for (int i = gen.Next(0, 40); i > 0; i--)
                    {
                        args.AddRange(["--tag", gen.Name() ?? ""]);
                    }
                }

                break;
            case "incr" or "decr":
                args.Add(gen.Chance(20) ? "clisw:text" : Key());
                if (gen.Chance(60))
                {
                    args.Add(Numbers[gen.Next(Numbers.Length)]);
                }

                break;
            case "expire":
                args.AddRange([Key(), Durations[gen.Next(Durations.Length)]]);
                break;
            case "hset":
                args.AddRange([Key(), gen.Name() ?? "", Text()]);
                break;
            case "hget" or "hdel":
                args.AddRange([Key(), gen.Name() ?? ""]);
                break;
            case "lpush" or "rpush":
                args.Add(Key());
                for (int i = gen.Next(0, 5); i > 0; i--)
                {
                    args.Add(Text());
                }

                break;
            case "lrange":
                args.AddRange([Key(), Numbers[gen.Next(Numbers.Length)], Numbers[gen.Next(Numbers.Length)]]);
                break;
            case "invalidate-tag":
                args.Add(gen.Name() ?? "");
                break;
            case "invalidate-pattern":
                // Inside a namespace nothing is written to, or invalid.
                args.Add(gen.Chance(50) ? "clisw-pat:*" + gen.Next() : gen.Name() ?? "");
                break;
            case "stats":
                if (gen.Chance(50))
                {
                    args.Add("--json");
                }

                break;
            case "hotkeys":
                if (gen.Chance(50))
                {
                    args.AddRange(["--top", Numbers[gen.Next(Numbers.Length)]]);
                }

                break;
            default:
                args.Add(Key());
                break;
        }

        // Unknown options, missing or extra arguments.
        switch (gen.Next(12))
        {
            case 0: args.Add("--no-such-option"); break;
            case 1: args.RemoveAt(args.Count - 1); break;
            case 2: args.Add("extra"); break;
            default: break;
        }

        return [.. args];
    }

    private static string Show(string[] args) => string.Join(' ', args.Select(a => a.Length > 40 ? string.Create(CultureInfo.InvariantCulture, $"<{a.Length} chars>") : a));
}
