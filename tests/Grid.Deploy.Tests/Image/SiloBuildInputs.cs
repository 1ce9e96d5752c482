using System.Xml.Linq;

namespace Grid.Deploy.Tests.Image;

/// <summary>
/// What building the silo reads from the repository, found from its project files: every project it references
/// transitively, the sources they compile from outside their own folder (such as src/Shared), and the MSBuild and SDK
/// files over them (Directory.Build.props/.targets, Directory.Packages.props, global.json). Paths are repository-relative, '/'-separated.
/// </summary>
internal sealed class SiloBuildInputs
{
    public const string SiloProject = "src/Silo/Grid.Silo.csproj";

    private static readonly string[] BuildFileNames = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config"];

    private SiloBuildInputs(string root) => Root = root;

    public string Root { get; }

    public SortedSet<string> Projects { get; } = new(StringComparer.Ordinal);

    /// <summary>Files compiled into a project from outside its folder (Compile Include="..\Shared\...").</summary>
    public SortedSet<string> LinkedSources { get; } = new(StringComparer.Ordinal);

    /// <summary>Files MSBuild or the SDK read over the projects: restore needs them.</summary>
    public SortedSet<string> BuildFiles { get; } = new(StringComparer.Ordinal);

    public static SiloBuildInputs Find(string root)
    {
        var inputs = new SiloBuildInputs(root);
        inputs.Visit(SiloProject);
        return inputs;
    }

    /// <summary>The source files of every project folder (what publish compiles and embeds), without build outputs.</summary>
    public IEnumerable<string> ProjectFolderFiles() =>
        Projects.SelectMany(project =>
            Directory.EnumerateFiles(Path.Combine(Root, Path.GetDirectoryName(project)!), "*", SearchOption.AllDirectories)
                .Select(Relative)
                .Where(file => !file.Split('/').Any(part => part is "bin" or "obj")));

    private void Visit(string project)
    {
        if (!Projects.Add(project))
        {
            return;
        }

        string folder = Path.GetDirectoryName(Path.Combine(Root, project))!;
        var document = XDocument.Load(Path.Combine(Root, project));
        foreach (var reference in document.Descendants("ProjectReference"))
        {
            Visit(Relative(Path.GetFullPath(Path.Combine(folder, Include(reference)))));
        }

        foreach (var compile in document.Descendants("Compile").Where(c => c.Attribute("Include") is not null))
        {
            foreach (var file in Expand(folder, Include(compile)))
            {
                if (!file.StartsWith(Relative(folder) + "/", StringComparison.Ordinal))
                {
                    LinkedSources.Add(file);
                }
            }
        }

        for (var dir = new DirectoryInfo(folder); dir is not null && dir.FullName.Length >= Root.Length; dir = dir.Parent)
        {
            foreach (var name in BuildFileNames)
            {
                if (File.Exists(Path.Combine(dir.FullName, name)))
                {
                    BuildFiles.Add(Relative(Path.Combine(dir.FullName, name)));
                }
            }
        }
    }

    private static string Include(XElement item) => item.Attribute("Include")!.Value.Replace('\\', '/');

    /// <summary>The files an Include matches: a path, or a path whose file name has wildcards (under a <c>**</c> folder: at any depth).</summary>
    private IEnumerable<string> Expand(string folder, string include)
    {
        string full = Path.GetFullPath(Path.Combine(folder, include));
        if (!include.Contains('*', StringComparison.Ordinal))
        {
            return [Relative(full)];
        }

        string directory = Path.GetDirectoryName(full)!;
        var depth = SearchOption.TopDirectoryOnly;
        if (Path.GetFileName(directory) == "**")
        {
            directory = Path.GetDirectoryName(directory)!;
            depth = SearchOption.AllDirectories;
        }

        return Directory.GetFiles(directory, Path.GetFileName(full), depth).Select(Relative);
    }

    private string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}
