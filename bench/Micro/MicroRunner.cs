using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Grid.Bench.Hosting;

namespace Grid.Bench.Micro;

/// <summary><c>micro</c>: runs the BenchmarkDotNet classes of this assembly; arguments go to BenchmarkDotNet.</summary>
internal static class MicroRunner
{
    public static int Run(string[] args)
    {
        var arguments = new List<string>(args);
        if (!arguments.Exists(a => a is "--filter" or "-f" or "--list" or "--help" or "-h"))
        {
            arguments.Add("--filter");
            arguments.Add("*");
        }

        var config = DefaultConfig.Instance
            .WithArtifactsPath(Path.Combine(RepoPaths.Root, "bench", "BenchmarkDotNet.Artifacts"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroRunner).Assembly).Run([.. arguments], config);
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                return 1;
            }
        }

        return 0;
    }
}
