using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Grid.Cli.Commands;
using Grid.Cli.Connection;
using Grid.Client;

namespace Grid.Cli;

/// <summary>The <c>grid</c> command line, runnable without a process (tests pass their own writers and cache).</summary>
internal static class GridCli
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code (see <see cref="GridExitCodes"/>).</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where messages (and the client's warnings) go.</param>
    /// <param name="connect">
    /// Connects to the grid from the resolved options; null to start a real client host for the command and stop it
    /// after. A cache passed in is not disposed.
    /// </param>
    /// <param name="environment">Reads environment variables (<c>GRID_*</c>); null for the process environment.</param>
    /// <param name="stdin">Where a value given as <c>-</c> is read from; null for the process's standard input.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    internal static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        Func<GridClientOptions, CancellationToken, Task<IGridCache>>? connect = null,
        Func<string, string?>? environment = null,
        Stream? stdin = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        // The client may log from its own threads while the command writes.
        stderr = TextWriter.Synchronized(stderr);
        await using var host = connect is null ? new HostConnector(stderr) : null;
        connect ??= host!.ConnectAsync;

        var globals = new GlobalOptions();
        var runner = new CommandRunner(globals, stdin ?? Console.OpenStandardInput(), stdout, stderr, environment ?? Environment.GetEnvironmentVariable, connect);
        var root = CreateRootCommand(globals, runner);
        root.Subcommands.Add(HelpCommand.Create(root, stdout, stderr));

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // The whole path of the command ("grid rebalance throttle --help"), nested commands included.
            string help = CommandPath(parse.CommandResult) + " --help";
            // An unknown word also makes "Required command was not provided"; the word is the one to name.
            string message = parse.UnmatchedTokens.Count > 0
                ? $"unrecognized command or argument '{parse.UnmatchedTokens[0]}'"
                : parse.Errors[0].Message;
            stderr.WriteLine($"error: {message} (see '{help}')");
            return GridExitCodes.Error;
        }

        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Expected failures were turned into one line by CommandRunner; this is a bug, so all of it is shown.
            stderr.WriteLine($"error: unexpected failure: {ex}");
            return GridExitCodes.Error;
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult command; current = command.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }

    private static Command CreateRootCommand(GlobalOptions globals, CommandRunner runner)
    {
        // A plain command named "grid" rather than RootCommand, which takes its name from the executable (Grid.Cli).
        var root = new Command("grid", "Read and write the Grid distributed cache. Exit codes: 0 ok, 1 not found or false, 2 error (fix the command line), 3 the grid cannot be reached, 130 interrupted.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        IEnumerable<Command> commands =
        [
            .. StringCommands.Create(runner),
            .. KeyCommands.Create(runner),
            .. HashCommands.Create(runner),
            .. ListCommands.Create(runner),
            .. InvalidationCommands.Create(runner),
            StatsCommand.Create(runner),
            HotKeysCommand.Create(runner),
            RebalanceCommand.Create(runner),
        ];
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
