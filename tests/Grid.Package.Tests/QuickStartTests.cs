using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Grid.Package.Tests;

/// <summary>
/// A new user's first hour, from the packages only: a brand-new console app gets Grid.Client from the packed feed (a
/// PackageReference, as <c>dotnet add package</c> writes it), its Program.cs is the README's quick-start as pasted, it
/// talks to a real silo process; then the packed grid tool, installed from the feed, reads the key the app wrote.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class QuickStartTests(PackageFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_readme_quick_start_builds_from_the_packed_feed_talks_to_a_silo_and_the_installed_tool_reads_its_key()
    {
        var quickStart = ReadmeQuickStart.Load();
        string app = Path.Combine(feed.Root, "QuickStart");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), NuGetConfig(MachinePackagesWithoutGrid()));
        var step = Stopwatch.StartNew();
        output.WriteLine($"pack: {feed.PackDuration.TotalSeconds:F1} s");

        // The README's commands; the feed is registered in the app's nuget.config, not the user's.
        await feed.Dotnet.RunAsync(app, "nuget", "add", "source", feed.Directory, "--name", "grid-local", "--configfile", "nuget.config");
        await feed.Dotnet.RunAsync(app, "new", "console", "--name", "QuickStart", "--output", ".");
        await feed.Dotnet.RunAsync(app, "add", "package", "Grid.Client");
        File.WriteAllText(Path.Combine(app, "Program.cs"), quickStart.Program);
        var build = await feed.Dotnet.RunAsync(app, "build", "-nologo");
        output.WriteLine($"new console, add package, build: {Lap(step)} s");

        Assert.Contains(" 0 Warning(s)", build, StringComparison.Ordinal);
        var reference = XDocument.Load(Path.Combine(app, "QuickStart.csproj")).Descendants("PackageReference").Single();
        Assert.Equal(("Grid.Client", feed.Version), (reference.Attribute("Include")?.Value, reference.Attribute("Version")?.Value));
        Assert.Equal(feed.Directory, RestoredFrom("grid.client"));
        Assert.Equal(feed.Directory, RestoredFrom("grid.abstractions"));

        await using var silo = await SiloProcess.StartAsync(redis: null);
        output.WriteLine($"silo: {Lap(step)} s");
        var gateway = new Dictionary<string, string> { ["GridClient__Clustering__Gateways__0"] = silo.Gateway };
        var (exitCode, printed) = await feed.Dotnet.RunProgramAsync("dotnet", app, gateway, Path.Combine(app, "bin", "Debug", "net10.0", "QuickStart.dll"));
        output.WriteLine($"run the app: {Lap(step)} s");

        Assert.True(exitCode == 0, $"The quick-start exited with {exitCode}:\n{printed}");
        Assert.Contains(quickStart.ExpectedOutput, printed, StringComparison.Ordinal);

        string tools = Path.Combine(feed.Root, "tools");
        await feed.Dotnet.RunAsync(app, "tool", "install", "--tool-path", tools, "Grid.Cli");
        var (toolExitCode, value) = await feed.Dotnet.RunProgramAsync(Path.Combine(tools, "grid"), app, new Dictionary<string, string>(), "--gateway", silo.Gateway, "get", "user:42");
        output.WriteLine($"tool install, grid get: {Lap(step)} s");

        // The key and the value the README's program writes.
        Assert.True(toolExitCode == 0, $"grid get exited with {toolExitCode}:\n{value}");
        using var json = JsonDocument.Parse(value.Trim());
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
    }

    /// <summary>
    /// The user's own NuGet settings (sources included), where packages the machine already has are read from its cache
    /// (through <paramref name="machinePackages"/>); the Grid packages can only come from the feed.
    /// </summary>
    private static string NuGetConfig(string machinePackages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <fallbackPackageFolders>
            <add key="machine" value="{machinePackages}" />
          </fallbackPackageFolders>
        </configuration>
        """;

    /// <summary>
    /// The machine's NuGet cache without any Grid package (links to every other package's folder): a Grid.Client of the
    /// same version that someone once restored on this machine must not stand in for the one just packed.
    /// </summary>
    private string MachinePackagesWithoutGrid()
    {
        string machine = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string view = Path.Combine(feed.Root, "machine-packages");
        Directory.CreateDirectory(view);
        if (Directory.Exists(machine))
        {
            foreach (var package in Directory.GetDirectories(machine))
            {
                string name = Path.GetFileName(package);
                if (!name.StartsWith("grid.", StringComparison.Ordinal))
                {
                    Directory.CreateSymbolicLink(Path.Combine(view, name), package);
                }
            }
        }

        return view;
    }

    /// <summary>The source NuGet restored a package from, as it recorded it in the packages folder of the run.</summary>
    private string RestoredFrom(string id)
    {
        string metadata = Path.Combine(feed.Root, "packages", id, feed.Version, ".nupkg.metadata");
        using var json = JsonDocument.Parse(File.ReadAllText(metadata));
        return Path.TrimEndingDirectorySeparator(json.RootElement.GetProperty("source").GetString()!);
    }

    private static string Lap(Stopwatch step)
    {
        string seconds = step.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        step.Restart();
        return seconds;
    }
}
