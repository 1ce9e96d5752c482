using Xunit.Abstractions;

namespace Grid.Tests.Shared.Processes;

/// <summary>What the tests over several silo processes share besides waiting (<see cref="ClusterWait"/>): logs on failure, stopping.</summary>
internal static class ProcessCluster
{
    /// <summary>Writes the end of each silo's output (for a failed test).</summary>
    public static void WriteLogs(ITestOutputHelper output, IEnumerable<SiloProcess> silos)
    {
        foreach (var silo in silos)
        {
            var log = silo.Process.Output;
            output.WriteLine($"---- silo {silo.SiloPort} ----\n{(log.Length > 20000 ? log[^20000..] : log)}");
        }
    }

    /// <summary>Stops every silo (SIGTERM, killed after 30 s) and disposes it.</summary>
    public static async Task StopAllAsync(IEnumerable<SiloProcess> silos)
    {
        foreach (var silo in silos)
        {
            await silo.Process.StopAsync(TimeSpan.FromSeconds(30));
            await silo.DisposeAsync();
        }
    }
}
