namespace Grid.Bench.Hosting;

/// <summary>Finds the silo to start; builds it (Release) only when it is missing, and notices when it looks stale.</summary>
internal static class SiloBuild
{
    /// <summary>The silo assembly path; runs <c>dotnet build -c Release src/Silo</c> first when the default one is missing.</summary>
    public static async Task<string> LocateAsync(string? requested, ProcessSupervisor supervisor, string logDirectory, Action<string> status, CancellationToken cancellationToken)
    {
        if (requested is not null)
        {
            var path = Path.GetFullPath(requested);
            return File.Exists(path) ? path : throw new FileNotFoundException($"--silo-dll {path} does not exist.", path);
        }

        var dll = RepoPaths.DefaultSiloDll;
        if (File.Exists(dll))
        {
            return dll;
        }

        status("building src/Silo (Release): the silo was not built");
        var project = Path.Combine(RepoPaths.Root, "src", "Silo", "Grid.Silo.csproj");
        using var build = ChildProcess.Start(supervisor, "build-silo", ExecutableLocator.DotNetHost(), ["build", "-c", "Release", project, "-nologo", "-v", "q"], Path.Combine(logDirectory, "build-silo.log"), workingDirectory: RepoPaths.Root);
        int exit = await build.WaitForExitAsync(TimeSpan.FromMinutes(10), cancellationToken);
        if (exit != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException($"dotnet build -c Release src/Silo failed (exit {exit}); see {build.LogPath}:{Environment.NewLine}{build.Tail()}");
        }

        return dll;
    }

    /// <summary>A warning when a source file under src/ is newer than the silo assembly (a forgotten build), else null.</summary>
    public static string? StalenessWarning(string dll)
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        if (!Directory.Exists(src) || !dll.StartsWith(RepoPaths.Root, StringComparison.Ordinal))
        {
            return null;
        }

        var built = File.GetLastWriteTimeUtc(dll);
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            if (File.GetLastWriteTimeUtc(file) > built)
            {
                return $"{Path.GetRelativePath(RepoPaths.Root, file)} is newer than {Path.GetRelativePath(RepoPaths.Root, dll)}: the silo may be stale (run dotnet build -c Release).";
            }
        }

        return null;
    }
}
