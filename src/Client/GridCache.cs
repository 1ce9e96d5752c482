using System.Runtime.InteropServices;
using Grid.Client.Metrics;
using Grid.Client.NearCache;
using Grid.Client.Routing;
using Grid.Partitioning;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Client;

/// <summary>
/// The <see cref="IGridCache"/> implementation over an Orleans cluster client. Single operations from concurrent
/// callers are coalesced per silo (<see cref="GridClientOptions.Batching"/>) and routed to the silo that holds their
/// partition. Create it through <c>AddGridCache</c>, or with <see cref="ConnectAsync(IClusterClient, GridClientOptions?, IGridSerializer?, ILoggerFactory?, CancellationToken)"/>
/// over a client you already have.
/// </summary>
public sealed partial class GridCache : IGridCache, IGridAnalytics, IDisposable, IAsyncDisposable
{
    private readonly IClusterClient _client;
    private readonly GridClientOptions _options;
    private readonly PartitionRouter _router;
    private readonly RequestSequencer _requests = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly NearCacheStore? _near;
    private readonly NearCacheCoordinator? _coordinator;
    private readonly StripedCounter _gridHits = new();
    private readonly StripedCounter _gridMisses = new();
    private GridLimits _limits;
    private volatile bool _connected;

    internal GridCache(IClusterClient client, GridClientOptions options, IGridSerializer serializer, ILogger logger)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _limits = options.Limits;
        Serializer = serializer;
        _router = new PartitionRouter(client, options, logger, _requests);
        if (options.NearCache.Enabled && options.Batching)
        {
            _near = new NearCacheStore(options.PartitionCount, options.NearCache.MaxEntries, options.NearCache.MaxBytes, TimeProvider);
            _coordinator = new NearCacheCoordinator(client, _near, options.NearCache, logger);
            _router.SilosChanged = _coordinator.OnRoutingChanged;
            _router.SilosDied = _coordinator.OnSilosDied;
            _near.Invalidated = ForgetSharedRead;
        }

        GridClientMetrics.Register(this);
    }

    /// <summary>This cache's operation counters (read by the <c>grid.client.*</c> instruments).</summary>
    internal ClientOperationMetrics OperationMetrics { get; } = new();

    /// <inheritdoc />
    public IGridSerializer Serializer { get; }

    /// <inheritdoc />
    public GridLimits Limits => _limits;

    /// <summary>Creates a cache over a connected cluster client and checks it against the cluster.</summary>
    /// <param name="client">A started Orleans cluster client (or a silo's own).</param>
    /// <param name="options">Client options; defaults when null.</param>
    /// <param name="serializer">Serializer for typed calls; System.Text.Json when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridConfigurationException">The client's partition count, service id or cluster id differs from the cluster's.</exception>
    public static async Task<GridCache> ConnectAsync(IClusterClient client, GridClientOptions? options = null, IGridSerializer? serializer = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new GridClientOptions();
        Grid.Hosting.GridOptionsRegistration.ThrowIfInvalid(new GridClientOptionsValidator(), options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GridCache>();
        var cache = new GridCache(client, options, serializer ?? new SystemTextJsonGridSerializer(), logger);
        await cache.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return cache;
    }

    /// <summary>
    /// Reads the cluster's membership and settings; refuses a cluster whose partition count differs from this client's.
    /// Called at host start by <c>AddGridCache</c>, and by the first operation if it was not.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (_connected)
        {
            return;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connected)
            {
                return;
            }

            await _router.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var silos = _router.Table.Silos;
            if (silos.Length == 0)
            {
                throw new GridUnavailableException("The cluster has no active silo.");
            }

            var info = await silos[0].Entry.GetClusterInfo().WaitAsync(cancellationToken).ConfigureAwait(false);
            CheckIdentity(info);
            if (info.PartitionCount != _options.PartitionCount)
            {
                throw new GridConfigurationException(
                    $"This client is configured for {_options.PartitionCount} partitions but cluster '{info.ServiceId}/{info.ClusterId}' has {info.PartitionCount}; " +
                    $"set GridClient:PartitionCount to {info.PartitionCount}. Keys would otherwise be routed to the wrong partitions.");
            }

            _limits = info.Limits;
            _router.MaxOpsPerCall = info.Limits.MaxKeysPerCall;
            _router.Start();
            if (_coordinator is not null)
            {
                await _coordinator.StartAsync(_router.Table).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            _connected = true;
            LogConnected(_logger, info.ServiceId, info.ClusterId, silos.Length, info.PartitionCount);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Refuses a cluster whose service or cluster id is not the one configured.</summary>
    private void CheckIdentity(GridClusterInfo info)
    {
        // The Orleans client's own ids (those of AddGridCache are GridClient:Clustering's).
        var ids = _client.ServiceProvider.GetService<IOptions<ClusterOptions>>() is { } configured
            ? (configured.Value.ServiceId, configured.Value.ClusterId)
            : (_options.Clustering.ServiceId, _options.Clustering.ClusterId);
        if (!string.Equals(info.ServiceId, ids.ServiceId, StringComparison.Ordinal) || !string.Equals(info.ClusterId, ids.ClusterId, StringComparison.Ordinal))
        {
            throw new GridConfigurationException(
                $"This client is configured for cluster '{ids.ServiceId}/{ids.ClusterId}' (service id/cluster id) but reached cluster '{info.ServiceId}/{info.ClusterId}'; " +
                "set GridClient:Clustering:ServiceId and ClusterId to the silos' Grid:Clustering values, or point the client at the right cluster.");
        }
    }

    /// <summary>Stops the background routing refresh and ends near-cache subscriptions, waiting (briefly) for the silos.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync().ConfigureAwait(false);
        }

        _router.Dispose();
        _connectGate.Dispose();
        GridClientMetrics.Unregister(this);
    }

    /// <summary>Stops the background routing refresh and ends near-cache subscriptions (without waiting for the silos).</summary>
    public void Dispose()
    {
        _coordinator?.Dispose();
        _router.Dispose();
        _connectGate.Dispose();
        GridClientMetrics.Unregister(this);
    }

    /// <summary>
    /// Sends one operation; the task completes with its result. Not async itself, so the hot path costs no state
    /// machine beyond the caller's.
    /// </summary>
    private Task<GridResult> ExecuteAsync(GridOp op, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var task = _connected ? Submit(op, timeout) : ConnectThenSubmitAsync(op, timeout, cancellationToken);
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    private async Task<GridResult> ConnectThenSubmitAsync(GridOp op, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await Submit(op, timeout).ConfigureAwait(false);
    }

    private Task<GridResult> Submit(GridOp op, TimeSpan? timeout)
    {
        int partition = PartitionHasher.GetPartition(op.Key, _options.PartitionCount);
        if (!_options.Batching)
        {
            return ExecuteDirectAsync(op, partition, timeout ?? _options.OperationTimeout);
        }

        return Enqueue(op, partition, timeout).Task;
    }

    /// <summary>The deadline (<see cref="Environment.TickCount64"/> ms) of an operation starting now.</summary>
    private long DeadlineAfter(TimeSpan? timeout) =>
        Environment.TickCount64 + (long)(timeout ?? _options.OperationTimeout).TotalMilliseconds;

    /// <summary>Queues one op on its silo's channel (batching on); with no silo known yet it waits for one within its deadline.</summary>
    private PendingOp Enqueue(GridOp op, int partition, TimeSpan? timeout = null)
    {
        var pending = new PendingOp(op, partition, DeadlineAfter(timeout), OperationMetrics, _requests);
        if (ChannelFor(partition) is { } channel)
        {
            pending.Channel = channel;
            channel.Enqueue(pending);
        }
        else
        {
            _router.SendWhenRouted(pending);
        }

        return pending;
    }

    /// <summary>Sends many operations (grouped per silo) and waits for all results, in order.</summary>
    private async ValueTask<GridResult[]> ExecuteManyAsync(GridOp[] ops, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        var tasks = new Task<GridResult>[ops.Length];
        if (_options.Batching)
        {
            var pending = EnqueueMany(ops, timeout);
            for (int i = 0; i < ops.Length; i++)
            {
                tasks[i] = pending[i].Task;
            }
        }
        else
        {
            for (int i = 0; i < ops.Length; i++)
            {
                tasks[i] = ExecuteDirectAsync(ops[i], PartitionHasher.GetPartition(ops[i].Key, _options.PartitionCount), timeout ?? _options.OperationTimeout);
            }
        }

        var all = Task.WhenAll(tasks);
        return cancellationToken.CanBeCanceled
            ? await all.WaitAsync(cancellationToken).ConfigureAwait(false)
            : await all.ConfigureAwait(false);
    }

    /// <summary>Queues ops on their silos' channels, all of one silo at once (so they leave in as few batches as possible).</summary>
    private PendingOp[] EnqueueMany(GridOp[] ops, TimeSpan? timeout = null)
    {
        var all = new PendingOp[ops.Length];
        var perSilo = new Dictionary<SiloChannel, List<PendingOp>>();
        long deadline = DeadlineAfter(timeout);
        List<PendingOp>? unrouted = null;
        for (int i = 0; i < ops.Length; i++)
        {
            int partition = PartitionHasher.GetPartition(ops[i].Key, _options.PartitionCount);
            PendingOp pending;
            try
            {
                pending = new PendingOp(ops[i], partition, deadline, OperationMetrics, _requests);
            }
            catch (GridBusyException busy)
            {
                // Too many writes outstanding: none of this call's ops leave (those numbered already complete as failed).
                for (int j = 0; j < i; j++)
                {
                    all[j].Fail(busy);
                }

                throw;
            }

            all[i] = pending;
            if (ChannelFor(partition) is not { } channel)
            {
                (unrouted ??= []).Add(pending);
                continue;
            }

            pending.Channel = channel;
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(perSilo, channel, out _);
            (list ??= []).Add(pending);
        }

        foreach (var (channel, pending) in perSilo)
        {
            channel.EnqueueRange(pending);
        }

        if (unrouted is not null)
        {
            foreach (var pending in unrouted)
            {
                _router.SendWhenRouted(pending);
            }
        }

        return all;
    }

    /// <summary>The channel of the silo believed to hold <paramref name="partition"/>, or null while no silo is known.</summary>
    private SiloChannel? ChannelFor(int partition)
    {
        var byPartition = _router.Table.ByPartition;
        if (byPartition.Length == 0)
        {
            _router.TriggerRefresh();
            return null;
        }

        return byPartition[partition];
    }

    /// <summary>The unbatched path (<see cref="GridClientOptions.Batching"/> off): one partition grain call, bounded by the deadline.</summary>
    private async Task<GridResult> ExecuteDirectAsync(GridOp op, int partition, TimeSpan timeout)
    {
        long started = ClientOperationMetrics.Start();
        bool identified = !CallFailures.IsReadOnly(op.Code);
        if (identified)
        {
            op.RequestId = _requests.Next();
        }

        try
        {
            var answer = await _client.GetGrain<IPartitionGrain>(partition).Execute(OpFrame.Encode([op], origin: _requests.Origin)).WaitAsync(timeout).ConfigureAwait(false);
            var result = ResultFrame.Decode(answer.ResultFrame)[0];
            OperationMetrics.Completed(op.Code, ClientOperationMetrics.IsOk(result.Status), started);
            return result;
        }
        catch (Exception ex) when (ex is not (GridException or ArgumentException))
        {
            OperationMetrics.Completed(op.Code, ok: false, started);
            if (ex is TimeoutException)
            {
                throw new GridTimeoutException($"The grid operation ({op.Code}) did not complete within {timeout} (GridClientOptions.OperationTimeout or the call's own). " +
                    (CallFailures.IsReadOnly(op.Code) ? "Nothing was changed." : "The write may or may not have been applied."), ex);
            }

            throw new GridUnavailableException($"The call to partition {partition} failed: {ex.Message}", ex);
        }
        finally
        {
            if (identified)
            {
                _requests.Completed(op.RequestId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid client connected to {ServiceId}/{ClusterId}: {SiloCount} silo(s), {PartitionCount} partitions")]
    private static partial void LogConnected(ILogger logger, string serviceId, string clusterId, int siloCount, int partitionCount);
}
