using YamlDotNet.RepresentationModel;

namespace Grid.Deploy.Tests;

/// <summary>One Kubernetes object read from a manifest file.</summary>
internal sealed record Manifest(string File, string Kind, string Name, YamlMappingNode Root)
{
    public override string ToString() => $"{Kind}/{Name} ({File})";
}

/// <summary>Every YAML document under <c>deploy/k8s</c>, parsed, with small helpers to walk them.</summary>
internal static class Manifests
{
    public static string Directory { get; } = Path.Combine(RepoRoot(), "deploy", "k8s");

    public static string Root { get; } = RepoRoot();

    /// <summary>Every object of every manifest file except the kustomization.</summary>
    public static IReadOnlyList<Manifest> All { get; } = Load();

    public static Manifest Single(string kind, string name) =>
        All.SingleOrDefault(m => m.Kind == kind && m.Name == name) ?? throw new InvalidOperationException($"No {kind}/{name} in {Directory}.");

    public static IEnumerable<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode map)
            {
                yield return map;
            }
        }
    }

    private static List<Manifest> Load()
    {
        var all = new List<Manifest>();
        foreach (var path in System.IO.Directory.GetFiles(Directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(path) == "kustomization.yaml")
            {
                continue;
            }

            foreach (var root in Documents(path))
            {
                all.Add(new Manifest(Path.GetFileName(path), root.Scalar("kind"), root.Map("metadata").Scalar("name"), root));
            }
        }

        return all;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Grid.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Walking YAML nodes with failures that say which key is missing.</summary>
internal static class YamlPaths
{
    public static YamlNode? Find(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        map.Find(key) as YamlMappingNode ?? throw new InvalidOperationException($"'{key}' is missing or not a mapping.");

    public static YamlSequenceNode Seq(this YamlMappingNode map, string key) =>
        map.Find(key) as YamlSequenceNode ?? throw new InvalidOperationException($"'{key}' is missing or not a list.");

    public static string Scalar(this YamlMappingNode map, string key) =>
        (map.Find(key) as YamlScalarNode)?.Value ?? throw new InvalidOperationException($"'{key}' is missing or not a scalar.");

    public static YamlMappingNode Path(this YamlMappingNode map, params string[] keys)
    {
        var current = map;
        foreach (var key in keys)
        {
            current = current.Map(key);
        }

        return current;
    }

    public static IEnumerable<YamlMappingNode> Maps(this YamlSequenceNode sequence) => sequence.Children.OfType<YamlMappingNode>();

    public static Dictionary<string, string> ToStrings(this YamlMappingNode map) =>
        map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (p.Value as YamlScalarNode)?.Value ?? "");
}
