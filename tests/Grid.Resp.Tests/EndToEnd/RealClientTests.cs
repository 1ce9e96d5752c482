using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// The Redis tools against a silo process: redis-cli reading commands from its input (as typed interactively) answers
/// as it does against redis-server, <c>redis-cli --pipe</c> mass-inserts ten thousand keys without an error, and
/// redis-benchmark runs its standard tests (it asks for CONFIG, which the endpoint does not serve, and goes on).
/// </summary>
[Collection(RespServersCollection.Name)]
public sealed class RealClientTests(RespServersFixture servers)
{
    [Fact]
    public async Task Redis_cli_with_commands_on_its_input_answers_as_against_redis_server()
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return; // redis-tools is not installed here; .ci/run installs it.
        }

        string input = string.Join('\n',
            "ping", "set stdin.i 41", "incr stdin.i", "get stdin.i", "get stdin.none", "rpush stdin.l a b c", "lrange stdin.l 0 -1",
            "hset stdin.h f v", "hgetall stdin.h", "expire stdin.i 100", "type stdin.l", "del stdin.i stdin.l stdin.h",
            "set \"stdin quoted\" \"two words\"", "get \"stdin quoted\"", "incr \"stdin quoted\"", "nosuchcommand x", "echo hi") + "\n";
        var redis = await RunAsync(cli, ["-p", Port(servers.RedisPort)], input);
        var grid = await RunAsync(cli, ["-p", Port(servers.GridPort)], input);
        Assert.Equal(0, grid.ExitCode);
        Assert.Equal(redis.Output, grid.Output);
    }

    [Fact]
    public async Task Redis_cli_pipe_mass_inserts_ten_thousand_keys()
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return;
        }

        var input = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            string key = "pipe.k" + i.ToString(CultureInfo.InvariantCulture);
            string value = "v" + i.ToString(CultureInfo.InvariantCulture);
            input.Append(CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }

        var (exitCode, output) = await RunAsync(cli, ["-p", Port(servers.GridPort), "--pipe"], input.ToString());
        Assert.True(exitCode == 0, output);
        Assert.Contains("errors: 0, replies: 10000", output, StringComparison.Ordinal);

        await using var client = await RawRespClient.ConnectAsync(servers.GridPort);
        for (int i = 0; i < 10_000; i += 97)
        {
            string value = "v" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.RunAsync([$"get pipe.k{i}"]));
        }

        Assert.Equal("$5\r\nv9999\r\n", await client.RunAsync(["get pipe.k9999"]));
    }

    [Fact]
    public async Task Redis_benchmark_runs_its_standard_tests_and_reports_a_rate_for_each()
    {
        if (RedisServer.FindExecutable("redis-benchmark") is not { } benchmark)
        {
            return;
        }

        var (exitCode, output) = await RunAsync(benchmark, ["-p", Port(servers.GridPort), "-t", "set,get,incr,lpush,rpop,mset", "-n", "2000", "-c", "8", "-P", "16", "-q"], "");
        Assert.True(exitCode == 0, output);
        string lines = output.Replace('\r', '\n');
        foreach (string test in new[] { "SET", "GET", "INCR", "LPUSH", "RPOP", "MSET (10 keys)" })
        {
            Assert.Matches(new Regex("^" + Regex.Escape(test) + @": [0-9.]+ requests per second", RegexOptions.Multiline), lines);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a tool with <paramref name="input"/> on its standard input; its output is stdout then stderr.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(input));
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish within 60 s. Output:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
