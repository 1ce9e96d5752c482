using Grid.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Silo;

/// <summary>
/// Runs the silo host, turning every start-up failure the silo explains into one line on stderr and a documented exit
/// code (<see cref="GridExitCodes"/>), never a stack trace: a bad setting, a port in use (<see cref="GridConfigurationException"/>,
/// <see cref="OptionsValidationException"/> from validation, one line per failure: 2), or an unreachable Redis membership store (<see cref="SiloStartupException"/>: 3).
/// </summary>
internal static class SiloStartup
{
    /// <summary>Prints why the silo cannot start (one line per invalid setting) and returns the exit code for it.</summary>
    public static int Fail(Exception error)
    {
        if (error is OptionsValidationException invalid)
        {
            // Each failure names its setting and what it must be: one line each, exit code 2 (a configuration error).
            foreach (string failure in invalid.Failures)
            {
                Console.Error.WriteLine($"Grid silo cannot start: {failure.ReplaceLineEndings(" ")}");
            }

            return GridExitCodes.Error;
        }

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
        catch (Exception ex) when (ex is SiloStartupException or GridConfigurationException or OptionsValidationException)
        {
            return Fail(ex);
        }
    }
}
