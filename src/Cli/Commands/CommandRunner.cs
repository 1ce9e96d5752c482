using System.CommandLine;
using Grid.Client;
using Orleans.Runtime;

namespace Grid.Cli.Commands;

/// <summary>
/// Runs a command's body: resolves the global options, connects, runs, and turns the expected failures into one line
/// on stderr and an exit code of <see cref="GridExitCodes"/>: 3 when the grid cannot be reached, did not answer or is
/// busy, 2 for everything else (1 and 0 come from the body).
/// </summary>
internal sealed class CommandRunner(
    GlobalOptions globals,
    Stream stdin,
    TextWriter stdout,
    TextWriter stderr,
    Func<string, string?> environment,
    Func<GridClientOptions, CancellationToken, Task<IGridCache>> connect)
{
    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="appliesTo">The value types the command works on; a wrong-type error names the type found instead.</param>
    /// <param name="body">What the command does; returns the exit code.</param>
    public void Bind(Command command, GridValueType[] appliesTo, Func<CommandCall, Task<int>> body) =>
        command.SetAction((parse, cancellation) => RunAsync(command.Name, appliesTo, parse, body, cancellation));

    private async Task<int> RunAsync(string name, GridValueType[] appliesTo, ParseResult parse, Func<CommandCall, Task<int>> body, CancellationToken cancellation)
    {
        try
        {
            var options = globals.Resolve(parse, environment);
            var cache = await connect(options, cancellation).ConfigureAwait(false);
            try
            {
                return await body(new CommandCall(cache, options, parse, stdin, stdout, stderr, cancellation)).ConfigureAwait(false);
            }
            catch (GridWrongTypeException ex)
            {
                return Fail(DescribeWrongType(name, appliesTo, ex));
            }
        }
        catch (UsageException ex)
        {
            return Fail(ex.Message);
        }
        catch (ArgumentException ex)
        {
            return Fail(SettingFlags.Translate(ErrorText.Of(ex)));
        }
        catch (Exception ex) when (ex is GridUnavailableException or GridTimeoutException or GridBusyException)
        {
            // The client's messages name its settings; the CLI's user sets flags.
            return Fail(SettingFlags.Translate(ErrorText.Of(ex)), GridExitCodes.Unavailable);
        }
        catch (GridException ex)
        {
            return Fail(SettingFlags.Translate(ErrorText.Of(ex)));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            stderr.WriteLine("error: cancelled");
            return GridExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Fail($"the grid did not answer: {ErrorText.Of(ex)}", GridExitCodes.Unavailable);
        }
    }

    private int Fail(string message, int exitCode = GridExitCodes.Error)
    {
        stderr.WriteLine("error: " + message);
        return exitCode;
    }

    /// <summary>"key 'x' holds a hash; GET does not apply", from the type the grid reported.</summary>
    private static string DescribeWrongType(string name, GridValueType[] appliesTo, GridWrongTypeException ex)
    {
        var type = ex.ActualType;
        string key = ErrorText.Quote(ex.Key);
        string operation = name.ToUpperInvariant();
        if (type == GridValueType.String && appliesTo.Contains(GridValueType.Counter))
        {
            return $"key {key} holds a string that is not a 64-bit integer; {operation} does not apply";
        }

        // The grid did not say which type it found: its own words.
        return type == GridValueType.None || appliesTo.Contains(type)
            ? ErrorText.Of(ex)
            : $"key {key} holds a {type.ToString().ToLowerInvariant()}; {operation} does not apply";
    }
}
