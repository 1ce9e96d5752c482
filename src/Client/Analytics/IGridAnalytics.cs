namespace Grid.Client;

/// <summary>
/// The cluster's analytics report (<see cref="GridAnalyticsReport"/>): hit ratio, server-side latency, throughput,
/// reads per level and an hourly history of the last 24 hours, merged across every active silo. Registered by
/// <c>AddGridCache</c>; <see cref="GridCache"/> implements it.
/// </summary>
public interface IGridAnalytics
{
    /// <summary>Asks every active silo for its analytics and merges them with this client's near-cache figures.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridUnavailableException">The cluster has no active silo, or one did not answer.</exception>
    ValueTask<GridAnalyticsReport> GetAnalyticsAsync(CancellationToken cancellationToken = default);
}
