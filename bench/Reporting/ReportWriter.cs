namespace Grid.Bench.Reporting;

/// <summary>Writes every output file of a run, then copies the run to <c>latest/</c>.</summary>
internal static class ReportWriter
{
    /// <summary>Returns the files written (relative to the run folder).</summary>
    public static async Task<List<string>> WriteAllAsync(BenchResults results, ResultsDirectory output)
    {
        var files = new List<string>();
        await File.WriteAllTextAsync(output.File("results.csv"), CsvReport.Results(results));
        files.Add("results.csv");
        if (results.Memory is { } memory)
        {
            await File.WriteAllTextAsync(output.File("memory.csv"), CsvReport.Memory(memory));
            files.Add("memory.csv");
        }

        try
        {
            files.AddRange(Plots.Write(results, output.Directory));
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or InvalidOperationException or IOException)
        {
            results.Notes.Add($"Plots were not drawn: {ex.GetType().Name}: {ex.Message}");
        }

        if (MissesDocument.CopyTo(output.Directory))
        {
            files.Add(GoalCheck.MissesFile + " (why this machine misses the goals it misses: profiles)");
        }

        files.Add("logs/ (silo, redis-server, client and redis-benchmark output)");
        files.Insert(0, "results.md");
        await File.WriteAllTextAsync(output.File("results.md"), MarkdownReport.Render(results, files));
        output.CopyToLatest();
        return files;
    }
}
