using System.Globalization;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Cluster;

/// <summary>
/// One real redis-server (membership) and real silo processes (<c>dotnet Grid.Silo.dll</c>, the product's default
/// sync replication with one replica) on loopback with free ports, each silo's output written to
/// <c>silo-{n}.log</c> in <see cref="LogDirectory"/>. Disposing kills every process by PID.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    /// <summary>Silo settings beyond <see cref="SiloProcess"/>'s, for diagnosis: membership changes in the log, and UTC times on each line.</summary>
    private static readonly Dictionary<string, string> SiloSettings = new()
    {
        ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        // The formatter must be named for its options to bind.
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
    };

    private readonly List<SiloProcess> _silos = [];

    private FaultCluster(RedisServer redis, MembershipWatcher membership, string logDirectory)
    {
        Redis = redis;
        Membership = membership;
        LogDirectory = logDirectory;
    }

    public RedisServer Redis { get; }

    public MembershipWatcher Membership { get; }

    public string LogDirectory { get; }

    /// <summary>Every silo started, in order (killed ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Starts redis and <paramref name="silos"/> silos in parallel, and waits until each is ready.</summary>
    public static async Task<FaultCluster> StartAsync(int silos, string logDirectory)
    {
        var redis = await RedisServer.StartAsync();
        FaultCluster? cluster = null;
        try
        {
            cluster = new FaultCluster(redis, await MembershipWatcher.StartAsync(redis.ConnectionString), logDirectory);
            var started = new List<SiloProcess>();
            for (int i = 0; i < silos; i++)
            {
                started.Add(await cluster.SpawnSiloAsync());
            }

            await Task.WhenAll(started.Select(s => s.WaitUntilReadyAsync(FaultTimings.ClusterStartBound)));
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                await redis.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Starts one more silo and returns at once; it joins the cluster when <see cref="SiloProcess.WaitUntilReadyAsync"/> says so.</summary>
    public async Task<SiloProcess> SpawnSiloAsync()
    {
        string log = Path.Combine(LogDirectory, string.Create(CultureInfo.InvariantCulture, $"silo-{_silos.Count}.log"));
        var silo = await SiloProcess.StartAsync(Redis.ConnectionString, SiloSettings, waitUntilReady: false, logPath: log);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>The silo's number in <see cref="Silos"/> and its silo port, for the report.</summary>
    public string Describe(SiloProcess silo) =>
        string.Create(CultureInfo.InvariantCulture, $"silo {_silos.IndexOf(silo)} (port {silo.SiloPort}, pid {silo.Process.Id})");

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            // SIGKILL ends a stopped (SIGSTOP) process too; the run is over, nothing needs a graceful stop.
            await silo.DisposeAsync();
        }

        try
        {
            await Membership.DisposeAsync();
        }
        finally
        {
            await Redis.DisposeAsync();
        }
    }
}
