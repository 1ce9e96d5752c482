using Grid.Client;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests.Infrastructure;

/// <summary>What the tests over several silo processes share: waiting for the cluster's size, logs on failure, stopping.</summary>
internal static class ProcessCluster
{
    /// <summary>Waits until the silos' statistics come from exactly <paramref name="count"/> silos.</summary>
    public static async Task WaitForSilosAsync(IGridCache cache, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await TryGetStatisticsAsync(cache))?.Select(s => s.Silo).Distinct().Count() != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster did not reach {count} silos.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every silo's statistics, or null while a silo that just left still answers nothing.</summary>
    public static async Task<IReadOnlyList<GridSiloStatistics>?> TryGetStatisticsAsync(IGridCache cache)
    {
        try
        {
            return await cache.GetSiloStatisticsAsync();
        }
        catch (Exception ex) when (ex is GridException or Orleans.Runtime.OrleansException or TimeoutException)
        {
            return null;
        }
    }

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
