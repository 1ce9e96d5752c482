using Grid.Client;
using Grid.Client.Dispatch;
using Grid.Grains.Hosting;
using System.Collections.Concurrent;
using Grid.Resp.Connections;
using Grid.Resp.Protocol;
using Grid.Resp.Security;
using Microsoft.Extensions.Logging;

namespace Grid.Resp.Hosting;

/// <summary>
/// The RESP endpoint's way into the grid: a <see cref="GridCache"/> over the silo's own Orleans client, near cache off
/// (every RESP read goes to the grid, so Redis clients see what Grid.Client writes at once). Commands reach it through
/// <see cref="Local"/> first: ops of partitions live on this silo run straight on its stores, without an Orleans call;
/// the rest go through the cache's dispatcher, one batch per target silo over the grid's batched path. Also counts the
/// connections and numbers them.
/// </summary>
internal sealed class RespGrid : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, RespSession> _sessions = new();
    private long _lastClientId;
    private int _clients;
    private long _rejected;
    private long _opsForwarded;

    public RespGrid(IClusterClient client, GridSiloOptions silo, ILoggerFactory loggers, TimeProvider time, Grid.Grains.Silo.LocalOpRunner? local = null)
    {
        Local = local;
        Options = silo.Resp;
        Limits = new RespLimits(Options.MaxBulkBytes, Options.MaxMultiBulkLength, Options.MaxInlineBytes);
        Time = time;
        var options = new GridClientOptions { PartitionCount = silo.PartitionCount, Limits = silo.Limits };
        options.NearCache.Enabled = false;
        Client = client;
        PartitionCount = silo.PartitionCount;
        MaxValueBytes = silo.Limits.MaxValueBytes;
        Auth = new RespAuthenticator(Options.Password, silo.Admin.EffectiveToken());
        RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        Cache = new GridCache(client, options, new SystemTextJsonGridSerializer(), loggers.CreateLogger<RespGrid>(), timeProvider: time);
        Tracking = new Tracking.RespTracking(client, Cache, loggers.CreateLogger<Tracking.RespTracking>());
        Ordered = new OrderedFrameCoalescer((ops, partition) => Cache.Dispatcher.ExecuteInOrderAsync(ops, partition, CancellationToken.None));
    }

    /// <summary>The endpoint's settings.</summary>
    public GridRespOptions Options { get; }

    /// <summary>
    /// Command arguments (a bound on the ops they make) of all connections in the grid at once: half of what the grid
    /// client behind the endpoint lets out (<c>RequestSequencer.MaxOutstanding</c> writes), so pipelining clients wait
    /// here, first come first served, and the work they have in the grid stays bounded.
    /// </summary>
    public CommandBudget Budget { get; } = new(1 << 15);

    /// <summary>The parser's bounds.</summary>
    public RespLimits Limits { get; }

    /// <summary>The clock of absolute expiries (EXAT, PXAT).</summary>
    public TimeProvider Time { get; }

    /// <summary>The in-silo cache (for reports such as DBSIZE).</summary>
    public GridCache Cache { get; }

    /// <summary>Client-side caching of the connections (CLIENT TRACKING).</summary>
    public Tracking.RespTracking Tracking { get; }

    /// <summary>Runs ops of this silo's live partitions in place (null outside a silo, e.g. in unit tests).</summary>
    internal Grid.Grains.Silo.LocalOpRunner? Local { get; }

    /// <summary>Ops the endpoint sent through the grid's batched path (partition not live here, tracked reads) since it started.</summary>
    public long OpsForwarded => Volatile.Read(ref _opsForwarded);

    /// <summary>Counts <paramref name="count"/> ops sent through the grid's batched path.</summary>
    public void CountForwarded(int count) => Interlocked.Add(ref _opsForwarded, count);

    /// <summary>Sends built ops to their silos, batched per silo.</summary>
    public OperationDispatcher Dispatcher => Cache.Dispatcher;

    /// <summary>Ordered groups of one partition's ops, merged per partition while a call to it is out (<see cref="OrderedFrameCoalescer"/>).</summary>
    public OrderedFrameCoalescer Ordered { get; }

    /// <summary>The silo's Orleans client (grain calls of SCAN and KEYS).</summary>
    public IClusterClient Client { get; }

    /// <summary>The cluster's partition count (SCAN's cursor walks the partitions in order).</summary>
    public int PartitionCount { get; }

    /// <summary>The grid's largest value (APPEND's bound).</summary>
    public int MaxValueBytes { get; }

    /// <summary>Checks AUTH against <c>Grid:Resp:Password</c> and the admin token.</summary>
    public RespAuthenticator Auth { get; }

    /// <summary>A random id of this endpoint's run (INFO <c>run_id</c>).</summary>
    public string RunId { get; }

    /// <summary>When the endpoint started (<see cref="Environment.TickCount64"/>; INFO <c>uptime_in_seconds</c>).</summary>
    public long StartedAt { get; } = Environment.TickCount64;

    /// <summary>Connections accepted since start (INFO <c>total_connections_received</c>).</summary>
    public long TotalConnections => Volatile.Read(ref _lastClientId);

    /// <summary>Connections refused over <see cref="GridRespOptions.MaxClients"/> (INFO <c>rejected_connections</c>).</summary>
    public long RejectedConnections => Volatile.Read(ref _rejected);

    /// <summary>The open connections' sessions (CLIENT LIST).</summary>
    public ICollection<RespSession> Sessions => _sessions.Values;

    /// <summary>Connections open now.</summary>
    public int Clients => Volatile.Read(ref _clients);

    /// <summary>Takes a connection slot; false (nothing taken) when <see cref="GridRespOptions.MaxClients"/> are open.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _clients) > Options.MaxClients)
        {
            Interlocked.Decrement(ref _clients);
            Interlocked.Increment(ref _rejected);
            return false;
        }

        return true;
    }

    /// <summary>Gives a connection slot back.</summary>
    public void Exit() => Interlocked.Decrement(ref _clients);

    /// <summary>Lists an open connection (CLIENT LIST).</summary>
    public void Register(RespSession session) => _sessions[session.Id] = session;

    /// <summary>Forgets a closed connection.</summary>
    public void Unregister(RespSession session) => _sessions.TryRemove(session.Id, out _);

    /// <summary>A new connection's id.</summary>
    public long NextClientId() => Interlocked.Increment(ref _lastClientId);

    /// <summary>Ends the tracking subscriptions and stops the cache's routing refresh.</summary>
    public async ValueTask DisposeAsync()
    {
        await Tracking.DisposeAsync().ConfigureAwait(false);
        await Cache.DisposeAsync().ConfigureAwait(false);
    }
}
