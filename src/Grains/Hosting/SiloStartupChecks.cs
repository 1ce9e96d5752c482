using Microsoft.Extensions.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>
/// Runs every <see cref="ISiloStartupCheck"/> when the host starts, before Orleans' silo (it is registered first), so a
/// failed check stops start-up before anything listens or joins the cluster.
/// </summary>
public sealed class SiloStartupChecks(IEnumerable<ISiloStartupCheck> checks) : IHostedService
{
    /// <summary>Runs the checks in order; the first that fails stops start-up with its exception.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var check in checks)
        {
            await check.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Nothing to do.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the checks of <paramref name="services"/> now (the silo process does this before starting its host, so a failure is its one line, not the host's error log).</summary>
    public static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        new SiloStartupChecks((IEnumerable<ISiloStartupCheck>?)services.GetService(typeof(IEnumerable<ISiloStartupCheck>)) ?? []).StartAsync(cancellationToken);
}
