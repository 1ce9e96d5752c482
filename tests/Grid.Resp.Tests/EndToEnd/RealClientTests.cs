using System.Globalization;
using System.Text.RegularExpressions;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// The Redis tools against a silo process: redis-cli reading commands from its input (as typed interactively) answers
/// as it does against redis-server, <c>redis-cli --pipe</c> mass-inserts ten thousand keys without an error (<see cref="MassInsertTests"/> for a large one), and
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
        var redis = await RedisTool.RunAsync(cli, ["-p", Port(servers.RedisPort)], input);
        var grid = await RedisTool.RunAsync(cli, ["-p", Port(servers.GridPort)], input);
        Assert.Equal(0, grid.ExitCode);
        Assert.Equal(redis.Output, grid.Output);
    }

    [Fact]
    public Task Redis_cli_pipe_mass_inserts_ten_thousand_keys() => RedisTool.PipeAndCheckAsync(servers.GridPort, "pipe.k", 10_000, valueSize: 0);

    [Fact]
    public async Task Redis_benchmark_runs_its_standard_tests_and_reports_a_rate_for_each()
    {
        if (RedisServer.FindExecutable("redis-benchmark") is not { } benchmark)
        {
            return;
        }

        var (exitCode, output) = await RedisTool.RunAsync(benchmark, ["-p", Port(servers.GridPort), "-t", "set,get,incr,lpush,rpop,mset", "-n", "2000", "-c", "8", "-P", "16", "-q"], "");
        Assert.True(exitCode == 0, output);
        string lines = output.Replace('\r', '\n');
        foreach (string test in new[] { "SET", "GET", "INCR", "LPUSH", "RPOP", "MSET (10 keys)" })
        {
            Assert.Matches(new Regex("^" + Regex.Escape(test) + @": [0-9.]+ requests per second", RegexOptions.Multiline), lines);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
