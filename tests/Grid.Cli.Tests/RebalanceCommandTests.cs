using System.Text.Json;
using Grid.Cli.Rebalance;

namespace Grid.Cli.Tests;

/// <summary><c>rebalance status|pause|resume|throttle</c>: parsing and output, then against a two-silo cluster.</summary>
[Collection(CliClusterCollection.Name)]
public sealed class RebalanceCommandTests(CliClusterFixture fixture)
{
    [Theory]
    [InlineData("rebalance", "Required command was not provided")]
    [InlineData("rebalance throttle", "throttle needs --moves, --bytes-per-second or both")]
    [InlineData("rebalance throttle --moves 0", "--moves must be between 1 and 256 (it is 0)")]
    [InlineData("rebalance throttle --moves 257", "--moves must be between 1 and 256 (it is 257)")]
    [InlineData("rebalance throttle --bytes-per-second -1", "--bytes-per-second must be 0 (no limit) or more (it is -1)")]
    [InlineData("rebalance throttle --moves many", "--moves: 'many' is not an integer")]
    [InlineData("rebalance throttle --bytes-per-second fast", "--bytes-per-second: 'fast' is not a 64-bit integer")]
    [InlineData("rebalance stop", "unrecognized command or argument 'stop'")]
    public async Task Bad_rebalance_command_lines_exit_2_before_connecting(string commandLine, string expected)
    {
        var result = await Cli.RunWithoutGridAsync(commandLine.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Contains("(see 'grid rebalance", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_table_has_a_row_per_silo_a_total_the_state_and_the_settings()
    {
        var status = new GridRebalanceStatus
        {
            Silos =
            [
                new GridRebalanceProgress { Silo = "a:1", PartitionsToMove = 400, PartitionsMoved = 100, BytesToMove = 4 << 20, BytesMoved = 1 << 20, InFlight = 2, StartedAtUnixMs = 1, BytesPerSecond = 512 << 10, EstimatedSecondsLeft = 6 },
                new GridRebalanceProgress { Silo = "b:2", Error = "timed out" },
            ],
            Total = new GridRebalanceProgress { Silo = "total", PartitionsToMove = 400, PartitionsMoved = 100, BytesToMove = 4 << 20, BytesMoved = 1 << 20, InFlight = 2, StartedAtUnixMs = 1, BytesPerSecond = 512 << 10, EstimatedSecondsLeft = 6 },
            Settings = new GridRebalanceSettings { Version = 3, Paused = true, MaxConcurrentMoves = 4, BytesPerSecond = 1 << 20 },
        };
        using var output = new StringWriter();

        RebalanceTable.Write(status, output);

        string[] lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(["silo", "moved", "to", "move", "percent", "bytes", "moved", "bytes", "to", "move", "in", "flight", "rate", "left"], Cells(lines[0]));
        Assert.Equal(["a:1", "100", "400", "25.0", "%", "1.0", "MiB", "4.0", "MiB", "2", "512.0", "KiB/s", "6", "s"], Cells(lines[1]));
        Assert.Equal(["b:2", "-", "-", "-", "-", "-", "-", "-", "error:", "timed", "out"], Cells(lines[2]));
        Assert.StartsWith("total ", lines[3], StringComparison.Ordinal);
        Assert.Equal("", lines[4]);
        Assert.Equal("state: paused with 300 partition(s) to move (2 finishing); every key is served where it is", lines[5]);
        Assert.Equal("settings: paused; 4 concurrent move(s) per silo; 1.0 MiB/s per silo (version 3)", lines[6]);
    }

    [Theory]
    [InlineData(null, "-")]
    [InlineData(0.0, "0 s")]
    [InlineData(4.2, "5 s")]
    [InlineData(125.0, "2 min 05 s")]
    [InlineData(3720.0, "1 h 02 min")]
    public void Time_left_reads_in_seconds_minutes_or_hours(double? seconds, string expected) =>
        Assert.Equal(expected, RebalanceTable.Duration(seconds));

    [Fact]
    public async Task Pause_throttle_and_resume_change_every_silo_and_status_shows_it()
    {
        try
        {
            var status = await Run("rebalance", "status");
            Assert.True(status.ExitCode == 0, status.ToString());
            string[] lines = status.Text.Split(Environment.NewLine);
            Assert.StartsWith("silo ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("total ", lines[3], StringComparison.Ordinal);
            Assert.Contains("settings: running;", status.Text, StringComparison.Ordinal);

            var paused = await Run("rebalance", "pause");
            Assert.True(paused.ExitCode == 0, paused.ToString());
            Assert.Matches(@"^paused; \d+ concurrent move\(s\) per silo; no byte limit \(version \d+\)$", paused.Text);

            var throttled = await Run("rebalance", "throttle", "--moves", "2", "--bytes-per-second", "1048576");
            Assert.True(throttled.ExitCode == 0, throttled.ToString());
            Assert.Matches(@"^paused; 2 concurrent move\(s\) per silo; 1\.0 MiB/s per silo \(version \d+\)$", throttled.Text);

            var json = await Run("rebalance", "status", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using (var document = JsonDocument.Parse(json.Out))
            {
                var root = document.RootElement;
                Assert.Equal(2, root.GetProperty("silos").GetArrayLength());
                Assert.True(root.GetProperty("settings").GetProperty("paused").GetBoolean());
                Assert.Equal(1048576, root.GetProperty("settings").GetProperty("bytesPerSecond").GetInt64());
                Assert.Equal(100, root.GetProperty("total").GetProperty("percent").GetDouble());
            }

            var resumed = await Run("rebalance", "resume");
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.StartsWith("running; 2 concurrent move(s) per silo", resumed.Text, StringComparison.Ordinal);
        }
        finally
        {
            await Run("rebalance", "throttle", "--moves", "4", "--bytes-per-second", "0");
            await Run("rebalance", "resume");
        }
    }

    private Task<CliResult> Run(params string[] args) => Cli.RunAsync(fixture.Cache, args);

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
