using System.Diagnostics;
using System.Xml.Linq;

namespace Grid.Package.Tests;

/// <summary>
/// The packages of this build, packed once per test run exactly as the README says (<c>dotnet pack Grid.sln</c>, here
/// from the existing build output) into a local feed in a temporary directory that is deleted afterwards.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    /// <summary>Every package the solution produces; test, sample and benchmark projects produce none.</summary>
    public static readonly IReadOnlyList<string> ExpectedPackages =
        ["Grid.Abstractions", "Grid.Client", "Grid.Extensions.Caching", "Grid.AspNetCore", "Grid.Cli"];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "grid-package-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public string Directory => Path.Combine(Root, "feed");

    /// <summary>The one version of every package, from the repository's Directory.Build.props.</summary>
    public string Version { get; } = ReadVersion();

    public TimeSpan PackDuration { get; private set; }

    internal DotnetCli Dotnet { get; private set; } = null!;

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Directory, $"{id}.{Version}.{extension}");

    /// <summary>The .nupkg and .snupkg file of every expected package.</summary>
    public IEnumerable<string> ExpectedFileNames() =>
        ExpectedPackages.SelectMany(id => new[] { $"{id}.{Version}.nupkg", $"{id}.{Version}.snupkg" });

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Dotnet = new DotnetCli(Path.Combine(Root, "packages"));
        var watch = Stopwatch.StartNew();
        await Dotnet.RunAsync(RepoPaths.Root, "pack", "Grid.sln", "-c", RepoPaths.Configuration, "--no-build", "-o", Directory, "-nologo");
        PackDuration = watch.Elapsed;
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static string ReadVersion()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        return props.Descendants("Version").Single().Value;
    }
}

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}
