using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Grid.Cli.Parsing;
using Grid.Cli.Rebalance;
using Grid.Client;

namespace Grid.Cli.Commands;

/// <summary>
/// <c>rebalance status [--json] | pause | resume | throttle [--moves N] [--bytes-per-second B]</c>: watch the cluster's
/// partition moves and steer them on every silo at once, without restarting any.
/// </summary>
internal static class RebalanceCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("rebalance", "Watch and steer the partition moves that follow a silo joining or leaving (on every silo, without restarting any)")
        {
            Status(runner),
            Change(runner, "pause", "Stop starting partition moves (moves under way finish); every key is still served by the silo that holds it", new GridRebalanceChange { Paused = true }),
            Change(runner, "resume", "Start partition moves again", new GridRebalanceChange { Paused = false }),
            Throttle(runner),
        };
        return command;
    }

    private static Command Status(CommandRunner runner)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("status", "Print each silo's rebalance progress (partitions and bytes moved of those to move, moves in flight, rate, time left), the total, the state and the settings in force") { json };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var status = await Rebalancing(call).GetRebalanceStatusAsync(call.Cancellation).ConfigureAwait(false);
            if (call.Value(json))
            {
                call.Out.WriteLine(JsonSerializer.Serialize(status, RebalanceJsonContext.Default.GridRebalanceStatus));
            }
            else
            {
                RebalanceTable.Write(status, call.Out);
            }

            return GridExitCodes.Ok;
        });
        return command;
    }

    private static Command Change(CommandRunner runner, string name, string description, GridRebalanceChange change)
    {
        var command = new Command(name, description + "; prints the settings in force");
        runner.Bind(command, ValueTypes.Any, async call =>
            call.Print(RebalanceTable.Settings(await Rebalancing(call).ChangeRebalanceAsync(change, call.Cancellation).ConfigureAwait(false))));
        return command;
    }

    private static Command Throttle(CommandRunner runner)
    {
        var moves = new Option<int?>("--moves")
        {
            Description = "Partitions each silo moves at the same time (1-256)",
            HelpName = "N",
            CustomParser = ParseMoves,
        };
        var bytes = new Option<long?>("--bytes-per-second")
        {
            Description = "Bytes per second each silo may move (0: no limit)",
            HelpName = "B",
            CustomParser = ParseBytesPerSecond,
        };
        var command = new Command("throttle", "Change how fast partitions move, on every silo; prints the settings in force") { moves, bytes };
        command.Validators.Add(result =>
        {
            // Given or not (no value conversion here: a bad value is the parser's error).
            if (result.GetResult(moves) is null && result.GetResult(bytes) is null)
            {
                result.AddError("throttle needs --moves, --bytes-per-second or both");
            }
        });
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var change = new GridRebalanceChange { MaxConcurrentMoves = call.Value(moves), BytesPerSecond = call.Value(bytes) };
            return call.Print(RebalanceTable.Settings(await Rebalancing(call).ChangeRebalanceAsync(change, call.Cancellation).ConfigureAwait(false)));
        });
        return command;
    }

    private static int? ParseMoves(ArgumentResult result)
    {
        int? value = ValueParsers.OptionalInt32(result);
        if (value is < 1 or > 256)
        {
            result.AddError($"--moves must be between 1 and 256 (it is {value})");
            return null;
        }

        return value;
    }

    private static long? ParseBytesPerSecond(ArgumentResult result)
    {
        long? value = ValueParsers.OptionalInt64(result);
        if (value is < 0)
        {
            result.AddError($"--bytes-per-second must be 0 (no limit) or more (it is {value})");
            return null;
        }

        return value;
    }

    private static IGridRebalancing Rebalancing(CommandCall call) =>
        call.Cache as IGridRebalancing ?? throw new UsageException("this connection cannot steer a rebalance (the cache is not a GridCache)");
}
