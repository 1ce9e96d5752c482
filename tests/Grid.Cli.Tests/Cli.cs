using Grid.Client;

namespace Grid.Cli.Tests;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stdout without the final newline.</summary>
    public string Text => Out.TrimEnd('\r', '\n');

    public override string ToString() => $"exit {ExitCode}; stdout: [{Out}]; stderr: [{Error}]";
}

/// <summary>Runs <see cref="GridCli.RunAsync"/> in process, with an empty environment.</summary>
internal static class Cli
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    /// <summary>Runs against a given cache.</summary>
    public static Task<CliResult> RunAsync(IGridCache cache, params string[] args) =>
        RunWithAsync((_, _) => Task.FromResult(cache), args);

    /// <summary>Runs against a given cache with <paramref name="stdin"/> as standard input.</summary>
    public static Task<CliResult> RunWithInputAsync(IGridCache cache, byte[] stdin, params string[] args) =>
        RunWithAsync((_, _) => Task.FromResult(cache), args, stdin: new MemoryStream(stdin));

    /// <summary>Runs a command line that must fail before connecting.</summary>
    public static Task<CliResult> RunWithoutGridAsync(params string[] args) =>
        RunWithAsync((_, _) => throw new InvalidOperationException("This command line must not connect."), args);

    /// <summary>Runs with the real connector (a client host).</summary>
    public static Task<CliResult> RunRealAsync(params string[] args) => RunWithAsync(null, args);

    public static async Task<CliResult> RunWithAsync(Func<GridClientOptions, CancellationToken, Task<IGridCache>>? connect, string[] args, Func<string, string?>? environment = null, Stream? stdin = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await GridCli.RunAsync(args, stdout, stderr, connect, environment ?? NoEnvironment, stdin ?? Stream.Null);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}
