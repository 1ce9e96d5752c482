using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Cluster;

/// <summary>Follows Orleans membership updates while the silo is active and tells <see cref="ClusterView"/> subscribers.</summary>
internal sealed partial class ClusterViewWatcher(
    IClusterMembershipService membership,
    ClusterView view,
    ILogger<ClusterViewWatcher> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterViewWatcher), ServiceLifecycleStage.Active, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        _loop = Task.Run(WatchAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync()
    {
        try
        {
            var silos = view.Current.Silos;
            view.Notify();
            await foreach (var update in membership.MembershipUpdates.WithCancellation(_stopping.Token))
            {
                // Updates also come for liveness timestamps; only a change of the active silos matters here.
                var current = view.Current.Silos;
                if (current.AsSpan().SequenceEqual(silos))
                {
                    continue;
                }

                silos = current;
                LogMembership(logger, current.Length, update.Version.Value);
                view.Notify();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWatchFailed(logger, ex);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid membership: {SiloCount} active silo(s) at version {Version}")]
    private static partial void LogMembership(ILogger logger, int siloCount, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grid membership watch stopped")]
    private static partial void LogWatchFailed(ILogger logger, Exception error);
}
