using System.IO.Compression;
using System.Xml.Linq;

namespace Grid.Package.Tests;

/// <summary>What each package carries: metadata, README, docs, symbols, and dependencies on its siblings.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageContentTests(PackageFeed feed)
{
    [Fact]
    public void The_solution_packs_exactly_the_libraries_and_the_tool_each_with_its_symbol_package()
    {
        var produced = Directory.GetFiles(feed.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var expected = feed.ExpectedFileNames().Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, produced);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_package_has_a_readme_a_license_a_repository_commit_and_a_description(string id)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        var metadata = Nuspec(package, id);

        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("expression", metadata.Element(metadata.Name.Namespace + "license")!.Attribute("type")!.Value);
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        // SourceLink: the commit the package was built from (the URL too, once the repository has a remote or GridRepositoryUrl is set).
        var repository = metadata.Element(metadata.Name.Namespace + "repository");
        Assert.Matches("^[0-9a-f]{40}$", repository?.Attribute("commit")?.Value ?? "");
    }

    [Theory]
    [InlineData("Grid.Abstractions")]
    [InlineData("Grid.Client")]
    [InlineData("Grid.Extensions.Caching")]
    [InlineData("Grid.AspNetCore")]
    public void Every_library_ships_its_xml_docs_and_its_symbols(string id)
    {
        using (var package = ZipFile.OpenRead(feed.PackagePath(id)))
        {
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        }

        using var symbols = ZipFile.OpenRead(feed.PackagePath(id, "snupkg"));
        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    [Theory]
    [InlineData("Grid.Client", "Grid.Abstractions")]
    [InlineData("Grid.Extensions.Caching", "Grid.Client")]
    [InlineData("Grid.AspNetCore", "Grid.Client")]
    public void A_package_depends_on_exactly_its_own_version_of_the_other_grid_packages(string id, string dependency)
    {
        using var package = ZipFile.OpenRead(feed.PackagePath(id));
        var metadata = Nuspec(package, id);

        var versions = metadata.Descendants(metadata.Name.Namespace + "dependency")
            .Where(d => d.Attribute("id")!.Value == dependency)
            .Select(d => d.Attribute("version")!.Value)
            .ToArray();

        Assert.Equal([$"[{feed.Version}]"], versions);
    }

    [Fact]
    public void The_cli_is_a_dotnet_tool_whose_command_is_grid()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath("Grid.Cli"));
        var metadata = Nuspec(package, "Grid.Cli");

        Assert.Equal("DotnetTool", metadata.Descendants(metadata.Name.Namespace + "packageType").Single().Attribute("name")!.Value);
        using var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
        var command = XDocument.Load(settings).Descendants("Command").Single();
        Assert.Equal("grid", command.Attribute("Name")!.Value);
        Assert.Equal("Grid.Cli.dll", command.Attribute("EntryPoint")!.Value);
    }

    public static TheoryData<string> Packages() => [.. PackageFeed.ExpectedPackages];

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Element(metadata.Name.Namespace + name)?.Value ?? "";
}
