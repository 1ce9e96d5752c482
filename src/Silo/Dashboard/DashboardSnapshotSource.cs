using Grid.Analytics;
using Grid.Grains.Invalidation;
using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Silo.Dashboard;

/// <summary>
/// Assembles the dashboard's data: asks every active silo for its analytics (in parallel, each bounded by a timeout;
/// a silo that does not answer is listed with its error) and merges them. Answers within the same second share one
/// collection, so several open pages cost the cluster no more than one.
/// </summary>
internal sealed partial class DashboardSnapshotSource(IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails local, ILogger<DashboardSnapshotSource> logger)
{
    private static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    /// <summary>Rows of the hot-keys panel.</summary>
    private const int HotKeysShown = 10;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DashboardSnapshot? _last;
    private long _lastAt;

    public async Task<DashboardSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_last is not null && Environment.TickCount64 - _lastAt < Reuse.TotalMilliseconds)
            {
                return _last;
            }

            _last = await CollectAsync(cancellationToken).ConfigureAwait(false);
            _lastAt = Environment.TickCount64;
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<DashboardSnapshot> CollectAsync(CancellationToken cancellationToken)
    {
        var silos = ClusterSilos.Active(membership);
        var names = new Dictionary<SiloAddress, string>();
        foreach (var (address, member) in membership.CurrentSnapshot.Members)
        {
            names[address] = member.Name;
        }

        var calls = silos.Select(silo => AskAsync(silo, cancellationToken)).ToArray();
        var hotKeys = silos.Select(silo => HotKeysAsync(silo, cancellationToken)).ToArray();
        var clients = ClientLevelsAsync(cancellationToken);
        var rebalance = RebalanceAsync(cancellationToken);
        var answers = await Task.WhenAll(calls).ConfigureAwait(false);
        var views = new List<DashboardSnapshotBuilder.SiloAnswer>(silos.Length);
        for (int i = 0; i < silos.Length; i++)
        {
            views.Add(new DashboardSnapshotBuilder.SiloAnswer(
                silos[i].ToParsableString(), names.GetValueOrDefault(silos[i], ""), silos[i].Equals(local.SiloAddress), answers[i].Analytics, answers[i].Error));
        }

        return DashboardSnapshotBuilder.Build(views, await clients.ConfigureAwait(false), DateTimeOffset.UtcNow) with
        {
            Rebalance = await rebalance.ConfigureAwait(false),
            HotKeys = HotKeyMerge.Merge(await Task.WhenAll(hotKeys).ConfigureAwait(false), HotKeysShown),
        };
    }

    /// <summary>
    /// A silo's hottest keys; none (its panel rows missing) when it does not answer in time, which its analytics call
    /// reports already.
    /// </summary>
    private async Task<GridHotKey[]> HotKeysAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            var entry = grains.GetGrain<ISiloEntryGrain>(ClusterSilos.GrainKey(silo));
            return await entry.GetHotKeys(HotKeysShown).WaitAsync(SiloTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHotKeysFailed(logger, silo, ex.Message);
            return [];
        }
    }

    /// <summary>The cluster's rebalance status as this silo gathers it; null (no panel data) when it cannot be had.</summary>
    private async Task<GridRebalanceStatus?> RebalanceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var entry = grains.GetGrain<ISiloEntryGrain>(ClusterSilos.GrainKey(local.SiloAddress));
            return await entry.GetRebalanceStatus().WaitAsync(SiloTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRebalanceFailed(logger, ex.Message);
            return null;
        }
    }

    /// <summary>What the clients reported about the levels in front of the grid; null (only the grid shown) when it cannot be had.</summary>
    private async Task<GridClientLevels?> ClientLevelsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IClientStatisticsGrain>(0).GetLevels().WaitAsync(SiloTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogClientLevelsFailed(logger, ex.Message);
            return null;
        }
    }

    private async Task<(GridSiloAnalytics? Analytics, string? Error)> AskAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            var entry = grains.GetGrain<ISiloEntryGrain>(ClusterSilos.GrainKey(silo));
            return (await entry.GetAnalytics().WaitAsync(SiloTimeout, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSiloFailed(logger, silo, ex.Message);
            return (null, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard: the clients' cache-level counts could not be read: {Error}")]
    private static partial void LogClientLevelsFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard: silo {Silo} did not give its hot keys: {Error}")]
    private static partial void LogHotKeysFailed(ILogger logger, SiloAddress silo, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard: the rebalance status could not be read: {Error}")]
    private static partial void LogRebalanceFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard: silo {Silo} did not answer for analytics: {Error}")]
    private static partial void LogSiloFailed(ILogger logger, SiloAddress silo, string error);
}
