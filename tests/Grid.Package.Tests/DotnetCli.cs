namespace Grid.Package.Tests;

/// <summary>Runs the <c>dotnet</c> CLI as a user would, in a sandbox that leaves nothing running or cached behind.</summary>
internal sealed class DotnetCli
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    private readonly Dictionary<string, string> _environment;

    /// <param name="packagesFolder">NuGet's global packages folder for these commands (a fresh one per run, so a package of
    /// the same version packed by an earlier run is never taken from the cache).</param>
    public DotnetCli(string packagesFolder)
    {
        _environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = packagesFolder,
            // No build node, compiler server or MSBuild server outlives a command.
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["UseSharedCompilation"] = "false",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; fails with the command's output unless it exits 0.</summary>
    public async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output) = await ManagedProcess.RunAsync("dotnet", arguments, CommandTimeout, _environment, workingDirectory);
        Assert.True(exitCode == 0, $"'dotnet {string.Join(' ', arguments)}' exited with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Runs any program with the same environment; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunProgramAsync(string fileName, string workingDirectory, IReadOnlyDictionary<string, string> extraEnvironment, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(_environment);
        foreach (var (key, value) in extraEnvironment)
        {
            environment[key] = value;
        }

        return ManagedProcess.RunAsync(fileName, arguments, CommandTimeout, environment, workingDirectory);
    }
}
