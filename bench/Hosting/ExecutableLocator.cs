namespace Grid.Bench.Hosting;

/// <summary>Finds programs on PATH and the dotnet host that runs this process.</summary>
internal static class ExecutableLocator
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Like <see cref="Find"/>, but fails with a message saying how to install it.</summary>
    public static string Require(string name, string package) =>
        Find(name) ?? throw new InvalidOperationException(
            $"{name} is not on PATH. The benchmark starts its own redis-server and runs redis-benchmark; install them (Debian: apt-get install {package}).");

    /// <summary>The dotnet host: the one running this process when it is <c>dotnet</c>, else the one beside the runtime, else PATH.</summary>
    public static string DotNetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ → .../dotnet/dotnet
        var runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var beside = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", "..", "dotnet"));
        if (File.Exists(beside))
        {
            return beside;
        }

        return Find("dotnet") ?? "dotnet";
    }
}
