using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Partitioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Balancing;

/// <summary>
/// The memory load of every active silo as this silo last read it (its own is read live). Placement and the balancer
/// skip silos above <see cref="GridBalancingOptions.MemoryHighWatermark"/> of their budget, so a silo near its budget
/// stops receiving partitions. Refreshed every <see cref="GridBalancingOptions.LoadRefreshInterval"/> while the silo is active.
/// </summary>
internal sealed partial class SiloLoadTable(
    IOptions<GridSiloOptions> options,
    ClusterView view,
    SiloMemoryBudget budget,
    IGrainFactory grains,
    ILogger<SiloLoadTable> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly GridBalancingOptions _options = options.Value.Balancing;
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<SiloAddress, double> _fractions = [];
    private Task _loop = Task.CompletedTask;

    /// <summary>Used bytes over budget of <paramref name="silo"/> (0 when unknown).</summary>
    public double FractionOf(SiloAddress silo)
    {
        if (silo.Equals(view.Local))
        {
            return (double)budget.UsedBytes / budget.BudgetBytes;
        }

        return Volatile.Read(ref _fractions).TryGetValue(silo, out double fraction) ? fraction : 0;
    }

    /// <summary>True when <paramref name="silo"/> is above the high watermark and should receive no more partitions.</summary>
    public bool IsFull(SiloAddress silo) => FractionOf(silo) >= _options.MemoryHighWatermark;

    /// <summary>
    /// The index in <paramref name="silos"/> (with their rendezvous <paramref name="seeds"/>) of the silo placement puts
    /// <paramref name="partition"/> on: the best-ranked one that is not full, else the best-ranked one, never
    /// <paramref name="excluded"/>; -1 when there is none. Placement and a stopping silo's hand-off target
    /// (<see cref="Replication.HandOffCopies.NextOwner"/>) use it, so the two agree.
    /// </summary>
    public int BestWithRoom(ReadOnlySpan<ulong> seeds, SiloAddress[] silos, int partition, SiloAddress? excluded = null)
    {
        int best = -1;
        int bestWithRoom = -1;
        ulong bestWeight = 0;
        ulong bestWithRoomWeight = 0;
        for (int i = 0; i < silos.Length; i++)
        {
            if (silos[i].Equals(excluded))
            {
                continue;
            }

            ulong weight = PartitionOwnership.Weight(seeds[i], partition);
            if (best < 0 || weight > bestWeight)
            {
                best = i;
                bestWeight = weight;
            }

            if ((bestWithRoom < 0 || weight > bestWithRoomWeight) && !IsFull(silos[i]))
            {
                bestWithRoom = i;
                bestWithRoomWeight = weight;
            }
        }

        return bestWithRoom >= 0 ? bestWithRoom : best;
    }

    /// <summary>Sets a silo's load by hand (tests).</summary>
    internal void Set(SiloAddress silo, double fraction)
    {
        var fractions = new Dictionary<SiloAddress, double>(Volatile.Read(ref _fractions)) { [silo] = fraction };
        Volatile.Write(ref _fractions, fractions);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloLoadTable), ServiceLifecycleStage.Active, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RefreshLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.LoadRefreshInterval);
        try
        {
            do
            {
                await RefreshAsync().ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads every other active silo's load.</summary>
    public async Task RefreshAsync()
    {
        var silos = view.Current.Silos;
        var asks = new List<(SiloAddress Silo, Task<SiloLoad> Load)>();
        foreach (var silo in silos)
        {
            if (!silo.Equals(view.Local))
            {
                asks.Add((silo, grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()).GetLoad().WaitAsync(_options.LoadRefreshInterval)));
            }
        }

        var previous = Volatile.Read(ref _fractions);
        var fractions = new Dictionary<SiloAddress, double>();
        foreach (var (silo, ask) in asks)
        {
            try
            {
                fractions[silo] = (await ask.ConfigureAwait(false)).Fraction;
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                LogLoadUnknown(logger, ex, silo);
                if (previous.TryGetValue(silo, out double last))
                {
                    fractions[silo] = last;
                }
            }
        }

        Volatile.Write(ref _fractions, fractions);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the memory load of silo {Silo}; keeping the last value")]
    private static partial void LogLoadUnknown(ILogger logger, Exception error, SiloAddress silo);
}
