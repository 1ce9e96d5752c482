using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Grains.Metrics;

/// <summary>
/// Keeps the latest report of each client (<see cref="IClientStatisticsGrain"/>) and sums them per level for the
/// dashboard. Bounded: a client not heard from for <see cref="Forget"/> drops out (its counts with it), and past
/// <see cref="MaxClients"/> the longest-silent client goes first. Soft state: when the grain moves or restarts, the
/// clients' next reports (cumulative counts) rebuild it.
/// </summary>
internal sealed class ClientStatisticsGrain(GridClock clock) : Grain, IClientStatisticsGrain
{
    /// <summary>How long a client's report counts after it was received (clients report every few seconds).</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    public const int MaxClients = 10_000;

    private readonly Dictionary<string, (GridClientReport Report, long AtMs)> _clients = new(StringComparer.Ordinal);

    public Task Report(GridClientReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_clients.ContainsKey(report.Client) && _clients.Count >= MaxClients)
        {
            string stalest = _clients.MinBy(pair => pair.Value.AtMs).Key;
            _clients.Remove(stalest);
        }

        _clients[report.Client] = (report, clock.NowMs);
        return Task.CompletedTask;
    }

    public Task<GridClientLevels> GetLevels()
    {
        long cutoff = clock.NowMs - (long)Forget.TotalMilliseconds;
        var sums = new Dictionary<string, (long Hits, long Misses)>(StringComparer.Ordinal);
        var gone = new List<string>();
        foreach (var (client, (report, at)) in _clients)
        {
            if (at < cutoff)
            {
                gone.Add(client);
                continue;
            }

            foreach (var level in report.Levels)
            {
                var sum = sums.GetValueOrDefault(level.Level);
                sums[level.Level] = (sum.Hits + level.Hits, sum.Misses + level.Misses);
            }
        }

        foreach (string client in gone)
        {
            _clients.Remove(client);
        }

        GridLevelCount[] levels = [.. sums.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new GridLevelCount(pair.Key, pair.Value.Hits, pair.Value.Misses))];
        return Task.FromResult(new GridClientLevels(_clients.Count, levels));
    }
}
