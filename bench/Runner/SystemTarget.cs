using Grid.Bench.Cli;
using Grid.Bench.Hosting;
using Grid.Bench.Load;

namespace Grid.Bench.Runner;

/// <summary>
/// One system as a cell drives it: the target the loops call, the server processes whose CPU counts, the server's
/// get hit/miss counters, and for grid-l1 the near cache's probe and the client it owns (disposed after the cell).
/// </summary>
internal sealed class SystemTarget : IAsyncDisposable
{
    private NearCacheClient? _nearCacheClient;

    private SystemTarget(IKeyValueTarget target, IReadOnlyList<int> serverPids, Func<Task<(long Hits, long Misses)>> counters)
    {
        Target = target;
        ServerPids = serverPids;
        Counters = counters;
    }

    public IKeyValueTarget Target { get; }

    public IReadOnlyList<int> ServerPids { get; }

    /// <summary>Gets that found / did not find their key, as the server counts them.</summary>
    public Func<Task<(long Hits, long Misses)>> Counters { get; }

    /// <summary>The near cache's counters at the window's edges (grid-l1 only).</summary>
    public NearCacheProbe? Probe { get; private init; }

    public static async Task<SystemTarget> CreateAsync(string system, PhaseServers servers, CancellationToken cancellationToken)
    {
        if (system == SystemNames.Redis)
        {
            var redis = servers.DataRedis ?? throw new InvalidOperationException("No redis-server was started.");
            return new SystemTarget(new RedisTarget(redis.Database), [redis.ProcessId], async () =>
            {
                var info = await redis.InfoAsync("stats");
                return (long.Parse(info["keyspace_hits"], System.Globalization.CultureInfo.InvariantCulture), long.Parse(info["keyspace_misses"], System.Globalization.CultureInfo.InvariantCulture));
            });
        }

        if (system == SystemNames.RedisCluster)
        {
            var cluster = servers.RedisCluster ?? throw new InvalidOperationException("No Redis Cluster was started.");
            return new SystemTarget(new RedisTarget(cluster.Database), cluster.ProcessIds, cluster.KeyspaceCountersAsync);
        }

        var (connection, silos) = servers.GridFor(system);
        var pids = silos.ProcessIds;
        Func<Task<(long, long)>> counters = async () =>
        {
            long hits = 0;
            long misses = 0;
            foreach (var silo in await connection.StatisticsAsync())
            {
                hits += silo.Hits;
                misses += silo.Misses;
            }

            return (hits, misses);
        };

        if (system != SystemNames.GridL1)
        {
            return new SystemTarget(new GridTarget(system == SystemNames.GridUnbatched ? connection.Unbatched : connection.Batched), pids, counters);
        }

        var client = await connection.ConnectNearCacheAsync(cancellationToken);
        return new SystemTarget(new GridTarget(client.Cache), pids, counters)
        {
            Probe = new NearCacheProbe(client.Cache),
            _nearCacheClient = client,
        };
    }

    public ValueTask DisposeAsync() => _nearCacheClient?.DisposeAsync() ?? ValueTask.CompletedTask;
}
