using Grid.Bench.Cli;
using Grid.Bench.Hosting;

namespace Grid.Bench.Runner;

/// <summary>
/// The servers one topology's cells drive: the run's data redis-server (shared by the phases), and what the phase starts
/// for itself — a Redis Cluster, the silos with sync replication (grid, grid-unbatched, grid-l1) and the silos with async
/// replication (grid-async), each silo group with its own membership redis-server and grid client. Disposing stops what
/// the phase started.
/// </summary>
internal sealed class PhaseServers : IAsyncDisposable
{
    /// <summary>The configuration key (as an environment variable) the grid-async silos are started with.</summary>
    public const string AsyncReplicationSetting = "Grid__Replication__Mode";

    private readonly List<IAsyncDisposable> _owned = [];

    private PhaseServers(RedisServer? dataRedis) => DataRedis = dataRedis;

    /// <summary>The run's data redis-server (not owned: later phases and redis-benchmark use it too).</summary>
    public RedisServer? DataRedis { get; }

    public RedisCluster? RedisCluster { get; private set; }

    public SiloCluster? SyncSilos { get; private set; }

    public GridConnection? SyncGrid { get; private set; }

    public SiloCluster? AsyncSilos { get; private set; }

    public GridConnection? AsyncGrid { get; private set; }

    /// <summary>Starts what <paramref name="phase"/>'s systems need; on failure stops what was started and rethrows.</summary>
    public static async Task<PhaseServers> StartAsync(RunContext run, PhasePlan phase, RedisServer? dataRedis, CancellationToken cancellationToken)
    {
        bool sync = false;
        bool async = false;
        bool cluster = false;
        foreach (var cell in phase.Cells)
        {
            foreach (var system in cell.Systems)
            {
                sync |= SystemNames.UsesSyncSilos(system);
                async |= system == SystemNames.GridAsync;
                cluster |= system == SystemNames.RedisCluster;
            }
        }

        var servers = new PhaseServers(dataRedis);
        try
        {
            if (cluster)
            {
                run.Progress.Status($"{Label(phase)}: starting a Redis Cluster ({RedisCluster.Masters} masters + {RedisCluster.Masters} replicas)");
                servers.RedisCluster = await Own(servers, RedisCluster.StartAsync(run.Supervisor, $"redis-cluster-{phase.Silos}", run.LogDirectory, cancellationToken, run.Cores));
            }

            if (sync)
            {
                run.Progress.Status($"{Label(phase)}: starting silos");
                (servers.SyncSilos, servers.SyncGrid) = await StartGridAsync(servers, run, phase, "", null, cancellationToken);
            }

            if (async)
            {
                run.Progress.Status($"{Label(phase)}: starting silos with async replication");
                var settings = new Dictionary<string, string> { [AsyncReplicationSetting] = "Async" };
                (servers.AsyncSilos, servers.AsyncGrid) = await StartGridAsync(servers, run, phase, "-async", settings, cancellationToken);
            }

            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>The grid client and silos a grid system drives.</summary>
    public (GridConnection Grid, SiloCluster Silos) GridFor(string system) => system == SystemNames.GridAsync
        ? (AsyncGrid ?? throw new InvalidOperationException("No async-replication silos were started."), AsyncSilos!)
        : (SyncGrid ?? throw new InvalidOperationException("No grid was started."), SyncSilos!);

    /// <summary>What was started, for the progress line.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (RedisCluster is { } cluster)
        {
            parts.Add($"redis-cluster {string.Join(",", cluster.Ports)}");
        }

        if (SyncSilos is { } sync)
        {
            parts.Add($"silos {string.Join(", ", sync.Gateways)}{(sync.MembershipRedis is null ? "" : $" (membership {sync.MembershipRedis})")}");
        }

        if (AsyncSilos is { } async)
        {
            parts.Add($"async-replication silos {string.Join(", ", async.Gateways)}");
        }

        return parts.Count == 0 ? "redis-server only" : string.Join("; ", parts);
    }

    /// <summary>Server processes that died, by name.</summary>
    public List<string> Exited()
    {
        var gone = new List<string>();
        gone.AddRange(SyncSilos?.Exited() ?? []);
        gone.AddRange(AsyncSilos?.Exited() ?? []);
        gone.AddRange(RedisCluster?.Exited() ?? []);
        return gone;
    }

    public async ValueTask DisposeAsync()
    {
        // In reverse order of start: clients before their silos, silos before their membership store.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
    }

    private static string Label(PhasePlan phase) => phase.Silos == 1 ? "1 silo" : $"{phase.Silos} silos";

    private static async Task<(SiloCluster, GridConnection)> StartGridAsync(
        PhaseServers servers, RunContext run, PhasePlan phase, string suffix, Dictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        // Each silo group gets its own membership store, so the two groups never join into one cluster.
        var membership = phase.Silos > 1
            ? await Own(servers, RedisServer.StartAsync(run.Supervisor, $"redis-membership-{phase.Silos}{suffix}", run.LogDirectory, cancellationToken))
            : null;
        var silos = await Own(servers, SiloCluster.StartAsync(
            run.Supervisor,
            run.SiloDll,
            (phase.Silos == 1 ? "silo" : $"silo{phase.Silos}") + suffix,
            phase.Silos,
            membership?.Endpoint,
            enableDiagnostics: false,
            run.LogDirectory,
            cancellationToken,
            settings,
            run.Cores));
        var grid = await Own(servers, GridConnection.ConnectAsync(silos, Path.Combine(run.LogDirectory, $"client-{phase.Silos}silo{suffix}.log"), cancellationToken));
        return (silos, grid);
    }

    private static async Task<T> Own<T>(PhaseServers servers, Task<T> starting)
        where T : IAsyncDisposable
    {
        var started = await starting;
        servers._owned.Add(started);
        return started;
    }
}
