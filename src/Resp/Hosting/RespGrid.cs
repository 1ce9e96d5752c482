using Grid.Client;
using Grid.Client.Dispatch;
using Grid.Grains.Hosting;
using Grid.Resp.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Resp.Hosting;

/// <summary>
/// The RESP endpoint's way into the grid: a <see cref="GridCache"/> over the silo's own Orleans client, near cache off
/// (every RESP read goes to the grid, so Redis clients see what Grid.Client writes at once). Commands reach it through
/// its dispatcher, which sends the ops of one socket read as one batch per target silo (local partitions run on this
/// silo's stores, others travel over the grid's batched path). Also counts the connections and numbers them.
/// </summary>
internal sealed class RespGrid : IAsyncDisposable
{
    private long _lastClientId;
    private int _clients;

    public RespGrid(IClusterClient client, GridSiloOptions silo, ILoggerFactory loggers, TimeProvider time)
    {
        Options = silo.Resp;
        Limits = new RespLimits(Options.MaxBulkBytes, Options.MaxMultiBulkLength, Options.MaxInlineBytes);
        Time = time;
        var options = new GridClientOptions { PartitionCount = silo.PartitionCount, Limits = silo.Limits };
        options.NearCache.Enabled = false;
        Cache = new GridCache(client, options, new SystemTextJsonGridSerializer(), loggers.CreateLogger<RespGrid>(), timeProvider: time);
        Tracking = new Tracking.RespTracking(client, Cache, loggers.CreateLogger<Tracking.RespTracking>());
    }

    /// <summary>The endpoint's settings.</summary>
    public GridRespOptions Options { get; }

    /// <summary>The parser's bounds.</summary>
    public RespLimits Limits { get; }

    /// <summary>The clock of absolute expiries (EXAT, PXAT).</summary>
    public TimeProvider Time { get; }

    /// <summary>The in-silo cache (for reports such as DBSIZE).</summary>
    public GridCache Cache { get; }

    /// <summary>Client-side caching of the connections (CLIENT TRACKING).</summary>
    public Tracking.RespTracking Tracking { get; }

    /// <summary>Sends built ops to their silos, batched per silo.</summary>
    public OperationDispatcher Dispatcher => Cache.Dispatcher;

    /// <summary>Connections open now.</summary>
    public int Clients => Volatile.Read(ref _clients);

    /// <summary>Takes a connection slot; false (nothing taken) when <see cref="GridRespOptions.MaxClients"/> are open.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _clients) > Options.MaxClients)
        {
            Interlocked.Decrement(ref _clients);
            return false;
        }

        return true;
    }

    /// <summary>Gives a connection slot back.</summary>
    public void Exit() => Interlocked.Decrement(ref _clients);

    /// <summary>A new connection's id.</summary>
    public long NextClientId() => Interlocked.Increment(ref _lastClientId);

    /// <summary>Ends the tracking subscriptions and stops the cache's routing refresh.</summary>
    public async ValueTask DisposeAsync()
    {
        await Tracking.DisposeAsync().ConfigureAwait(false);
        await Cache.DisposeAsync().ConfigureAwait(false);
    }
}
