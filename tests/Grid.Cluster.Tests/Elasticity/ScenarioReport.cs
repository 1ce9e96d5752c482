using Grid.Tests.Shared;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Elasticity;

/// <summary>Prints a scenario's figures to the test output and appends them to TestResults/cluster-scenarios.txt.</summary>
internal static class ScenarioReport
{
    private static readonly Lock Gate = new();

    public static void Write(ITestOutputHelper output, string scenario, string text)
    {
        string line = $"{DateTime.UtcNow:u} {scenario}: {text}";
        output.WriteLine(line);
        var dir = Path.Combine(FindRoot(), "TestResults");
        Directory.CreateDirectory(dir);
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(dir, "cluster-scenarios.txt"), line + Environment.NewLine);
        }
    }

    public static void Write(ITestOutputHelper output, string scenario, LoadReport report) => Write(output, scenario, report.ToString());

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
