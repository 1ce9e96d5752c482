namespace Grid.Client;

/// <summary>
/// Watching and steering the cluster's partition moves (a rebalance after silos join or leave): progress per silo and in
/// total, pause and resume, concurrent moves and a bytes-per-second limit, applied on every silo without restarting
/// any. Registered by <c>AddGridCache</c>; <see cref="GridCache"/> implements it. The <c>grid rebalance</c> commands use it.
/// </summary>
public interface IGridRebalancing
{
    /// <summary>Every active silo's rebalance progress, their sum, and the settings in force.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridUnavailableException">The cluster has no active silo, or it did not answer.</exception>
    ValueTask<GridRebalanceStatus> GetRebalanceStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes the rebalance settings on every active silo; returns the settings now in force.</summary>
    /// <param name="change">The values to change (null ones stay).</param>
    /// <param name="cancellationToken">Stops waiting (the change may still be made).</param>
    /// <exception cref="ArgumentException">A value is out of range (concurrent moves 1 to 256, bytes per second 0 or more).</exception>
    /// <exception cref="GridUnavailableException">The cluster has no active silo, or it did not answer.</exception>
    ValueTask<GridRebalanceSettings> ChangeRebalanceAsync(GridRebalanceChange change, CancellationToken cancellationToken = default);
}
