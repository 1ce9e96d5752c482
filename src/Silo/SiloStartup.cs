using Grid.Grains.Hosting;
using Microsoft.Extensions.Hosting;

namespace Grid.Silo;

/// <summary>
/// Runs the silo host, turning every start-up failure the silo explains into one line on stderr and a documented exit
/// code (<see cref="GridExitCodes"/>), never a stack trace: a bad setting, a port in use (<see cref="GridConfigurationException"/>,
/// <see cref="ArgumentException"/> from validation: 2), or an unreachable Redis membership store (<see cref="SiloStartupException"/>: 3).
/// </summary>
internal static class SiloStartup
{
    /// <summary>Prints why the silo cannot start and returns the exit code for it.</summary>
    public static int Fail(Exception error)
    {
        string reason = error is ArgumentException argument ? Grid.Hosting.StrictBinding.Describe(argument) : error.Message.ReplaceLineEndings(" ");
        Console.Error.WriteLine($"Grid silo cannot start: {reason}");
        return error is SiloStartupException ? GridExitCodes.Unavailable : GridExitCodes.Error;
    }

    /// <summary>Runs the start-up checks, then the host until it stops; returns the process's exit code.</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        try
        {
            // Before the host starts: a failed check is then this one line, not also the host's "Hosting failed to start" trace.
            await SiloStartupChecks.RunAsync(host.Services, CancellationToken.None);
            await host.RunAsync();
            return GridExitCodes.Ok;
        }
        catch (Exception ex) when (ex is SiloStartupException or GridConfigurationException)
        {
            return Fail(ex);
        }
    }
}
