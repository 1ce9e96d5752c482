using Xunit.Abstractions;

namespace Grid.Tests.Shared.Processes;

/// <summary>What the tests over several silo processes share besides waiting (<see cref="ClusterWait"/>): logs on failure, stopping.</summary>
internal static class ProcessCluster
{
    /// <summary>
    /// Writes the end of each silo's output (for a failed test), and each whole output to
    /// <c>TestResults/silo-logs/</c> (a rare failure is then diagnosable from a CI run's files).
    /// </summary>
    public static void WriteLogs(ITestOutputHelper output, IEnumerable<SiloProcess> silos)
    {
        string folder = Path.Combine(RepoPaths.Root, "TestResults", "silo-logs");
        Directory.CreateDirectory(folder);
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var silo in silos)
        {
            var log = silo.Process.Output;
            string file = Path.Combine(folder, $"{stamp}-silo-{silo.SiloPort}.log");
            File.WriteAllText(file, log);
            output.WriteLine($"---- silo {silo.SiloPort} (whole log: {file}) ----\n{(log.Length > 20000 ? log[^20000..] : log)}");
        }
    }

    /// <summary>Disposes <paramref name="client"/> (when there is one), then stops every silo as <see cref="StopAllAsync(IEnumerable{SiloProcess})"/>.</summary>
    public static async Task StopAllAsync(ClientHost? client, IEnumerable<SiloProcess> silos)
    {
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        await StopAllAsync(silos);
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
