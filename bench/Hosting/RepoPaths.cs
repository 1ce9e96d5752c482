namespace Grid.Bench.Hosting;

/// <summary>Where the repository, the silo build and the results folder are.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding <c>Grid.sln</c>, searched upward from this assembly, then from the working directory.</summary>
    public static string Root { get; } = FindRoot();

    public static string DefaultResultsRoot => Path.Combine(Root, "bench", "results");

    public static string DefaultSiloDll => Path.Combine(Root, "src", "Silo", "bin", "Release", "net10.0", "Grid.Silo.dll");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Cannot find Grid.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; run the harness from the repository.");
    }
}
