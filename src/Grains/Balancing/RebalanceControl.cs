using Grid.Grains.Cluster;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Balancing;

/// <summary>
/// The cluster-wide side of rebalance steering, on every silo: the status of the whole cluster (each active silo's
/// progress, asked through its <see cref="ISiloAgentGrain"/>, and their sum), a settings change sent to every silo's
/// agent, and, when this silo starts, the newest settings asked of the silos already there (a silo that joins a paused
/// cluster stays paused). A change reaches the silos active when it is made; a silo that missed it (it was joining)
/// catches up at start, and any later change carries every value.
/// </summary>
internal sealed partial class RebalanceControl(
    ClusterView view,
    RebalanceSteering steering,
    RebalanceProgress progress,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<RebalanceControl> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(5);

    /// <summary>This silo's progress.</summary>
    public GridRebalanceProgress LocalProgress() => progress.Snapshot(view.Local.ToParsableString());

    /// <summary>Every active silo's progress (a silo that does not answer within 5 s is listed with its error), their sum and the settings in force here.</summary>
    public async Task<GridRebalanceStatus> GetStatusAsync()
    {
        var silos = view.Current.Silos;
        var asks = new Task<GridRebalanceProgress>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            asks[i] = silos[i].Equals(view.Local)
                ? Task.FromResult(LocalProgress())
                : Agent(silos[i]).GetRebalanceProgress().WaitAsync(SiloTimeout);
        }

        var rows = new GridRebalanceProgress[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            try
            {
                rows[i] = await asks[i].ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                rows[i] = new GridRebalanceProgress { Silo = silos[i].ToParsableString(), Error = ex.Message };
            }
        }

        return new GridRebalanceStatus
        {
            Silos = rows,
            Total = RebalanceMath.Total(rows),
            Settings = steering.Current,
            CapturedAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the settings in force here, then sends the result to every other active silo;
    /// returns the settings in force after (a newer change met on the way wins everywhere).
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range; nothing changed.</exception>
    public async Task<GridRebalanceSettings> ChangeAsync(GridRebalanceChange change)
    {
        var next = steering.Next(change, view.Local.ToParsableString(), time.GetUtcNow().ToUnixTimeMilliseconds());
        var inForce = steering.Adopt(next);
        var silos = view.Current.Silos;
        var sends = new List<(SiloAddress Silo, Task<GridRebalanceSettings> Answer)>(silos.Length);
        foreach (var silo in silos)
        {
            if (!silo.Equals(view.Local))
            {
                sends.Add((silo, Agent(silo).ApplyRebalanceSettings(inForce).WaitAsync(SiloTimeout)));
            }
        }

        foreach (var (silo, send) in sends)
        {
            try
            {
                // A silo that already holds newer settings answers with them: they win here too.
                inForce = steering.Adopt(await send.ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                LogSendFailed(logger, ex, silo, inForce.Version);
            }
        }

        return steering.Current;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RebalanceControl), ServiceLifecycleStage.Active, CatchUpAsync, _ => Task.CompletedTask);

    /// <summary>Adopts the newest settings among the other active silos (bounded: a silo that does not answer is skipped).</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var asks = new List<(SiloAddress Silo, Task<GridRebalanceSettings> Answer)>();
        foreach (var silo in view.Current.Silos)
        {
            if (!silo.Equals(view.Local))
            {
                asks.Add((silo, Agent(silo).GetRebalanceSettings().WaitAsync(SiloTimeout, cancellationToken)));
            }
        }

        foreach (var (silo, ask) in asks)
        {
            try
            {
                steering.Adopt(await ask.ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException or OperationCanceledException)
            {
                LogCatchUpFailed(logger, ex, silo);
            }
        }
    }

    private ISiloAgentGrain Agent(SiloAddress silo) => grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebalance settings version {Version} could not be sent to silo {Silo}; it keeps its settings until the next change")]
    private static partial void LogSendFailed(ILogger logger, Exception error, SiloAddress silo, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the rebalance settings of silo {Silo} at start")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception error, SiloAddress silo);
}
