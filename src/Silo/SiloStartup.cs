using Grid.Grains.Hosting;
using Microsoft.Extensions.Hosting;

namespace Grid.Silo;

/// <summary>Runs the silo host; a start-up failure the silo explains (<see cref="SiloStartupException"/>) ends the process with one line and exit code 3.</summary>
internal static class SiloStartup
{
    public const int StartupFailedExitCode = 3;

    public static async Task RunAsync(IHost host)
    {
        try
        {
            await host.RunAsync();
        }
        catch (SiloStartupException ex)
        {
            await Console.Error.WriteLineAsync($"Grid silo failed to start: {ex.Message}");
            Environment.ExitCode = StartupFailedExitCode;
        }
    }
}
