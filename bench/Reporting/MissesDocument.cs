using Grid.Bench.Hosting;

namespace Grid.Bench.Reporting;

/// <summary>
/// <c>docs/bench/misses.md</c>, the profiles that explain the goals this machine misses: copied beside each report so
/// that the report's links to it (<see cref="GoalCheck.WhyLink"/>) resolve wherever the run folder is.
/// </summary>
internal static class MissesDocument
{
    /// <summary>The document in the repository.</summary>
    public static string SourcePath => Path.Combine(RepoPaths.Root, "docs", "bench", GoalCheck.MissesFile);

    /// <summary>Copies the document into <paramref name="directory"/>; false when the repository has none (nothing copied).</summary>
    public static bool CopyTo(string directory)
    {
        string source = SourcePath;
        string target = Path.Combine(directory, GoalCheck.MissesFile);
        if (!File.Exists(source))
        {
            return false;
        }

        // A report regenerated into docs/bench itself would otherwise copy the file onto itself.
        if (!string.Equals(Path.GetFullPath(source), Path.GetFullPath(target), StringComparison.Ordinal))
        {
            File.Copy(source, target, overwrite: true);
        }

        return true;
    }
}
