using Grid.Analytics;
using Grid.Client.Connection;
using Grid.Client.Metrics;
using Grid.Protocol;

namespace Grid.Client.Analytics;

/// <summary>
/// The reports that ask every active silo (read off the routing table after a fresh membership read): each silo's
/// statistics, and the analytics report merged from the silos' and this client's counts. Kept off the data plane.
/// </summary>
internal sealed class ClusterReports(ClusterConnection connection, ClientReadStatistics statistics, TimeProvider time)
{
    public async ValueTask<IReadOnlyList<GridSiloStatistics>> GetSiloStatisticsAsync(CancellationToken cancellationToken)
    {
        var silos = await ActiveSilosAsync(cancellationToken).ConfigureAwait(false);
        var calls = new Task<GridSiloStatistics>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            calls[i] = silos[i].Entry.GetStatistics();
        }

        return await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<GridHotKey>> GetHotKeysAsync(int top, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(top, 1024);
        var silos = await ActiveSilosAsync(cancellationToken).ConfigureAwait(false);
        var calls = new Task<GridHotKey[]>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            calls[i] = silos[i].Entry.GetHotKeys(top);
        }

        var answers = await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
        return HotKeyMerge.Merge(answers, top);
    }

    public async ValueTask<GridAnalyticsReport> GetAnalyticsAsync(CancellationToken cancellationToken)
    {
        var silos = await ActiveSilosAsync(cancellationToken).ConfigureAwait(false);
        if (silos.Length == 0)
        {
            throw new GridUnavailableException("The cluster has no active silo.");
        }

        var calls = new Task<GridSiloAnalytics>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            calls[i] = silos[i].Entry.GetAnalytics();
        }

        GridSiloAnalytics[] answers;
        try
        {
            answers = await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not GridException and not OperationCanceledException)
        {
            throw new GridUnavailableException($"A silo did not answer for analytics: {ex.Message}", ex);
        }

        return GridAnalyticsMerge.Build(answers, statistics.Snapshot(), time.GetUtcNow());
    }

    /// <summary>The cluster's rebalance status, as one active silo gathers it from every silo's agent.</summary>
    public async ValueTask<GridRebalanceStatus> GetRebalanceStatusAsync(CancellationToken cancellationToken)
    {
        var entry = await AnySiloAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await entry.GetRebalanceStatus().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not GridException and not OperationCanceledException)
        {
            throw new GridUnavailableException($"The silo did not answer for the rebalance status: {ex.Message}", ex);
        }
    }

    /// <summary>Changes the rebalance settings through one active silo, which sends them to every silo.</summary>
    public async ValueTask<GridRebalanceSettings> ChangeRebalanceAsync(GridRebalanceChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.MaxConcurrentMoves is < 1 or > 256)
        {
            throw new ArgumentException($"Concurrent moves must be between 1 and 256 (it is {change.MaxConcurrentMoves}).", nameof(change));
        }

        if (change.BytesPerSecond is < 0)
        {
            throw new ArgumentException($"Bytes per second must be 0 (no limit) or more (it is {change.BytesPerSecond}).", nameof(change));
        }

        var entry = await AnySiloAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await entry.ChangeRebalance(change).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not GridException and not OperationCanceledException and not ArgumentException)
        {
            throw new GridUnavailableException($"The silo did not answer the rebalance change: {ex.Message}", ex);
        }
    }

    /// <summary>The control activation of one active silo (the first by address).</summary>
    private async ValueTask<ISiloEntryGrain> AnySiloAsync(CancellationToken cancellationToken)
    {
        var silos = await ActiveSilosAsync(cancellationToken).ConfigureAwait(false);
        if (silos.Length == 0)
        {
            throw new GridUnavailableException("The cluster has no active silo.");
        }

        return silos[0].Entry;
    }

    /// <summary>Connects if needed, re-reads the membership and returns the active silos' channels.</summary>
    private async ValueTask<Routing.SiloChannel[]> ActiveSilosAsync(CancellationToken cancellationToken)
    {
        await connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await connection.Router.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return connection.Router.Table.Silos;
    }
}
