using Grid.Client.NearCache;
using Grid.Client.Resilience;
using Grid.Client.Routing;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Client.Connection;

/// <summary>
/// The cache's connection to its cluster: checks, once, that the cluster is the configured one (service id, cluster id,
/// partition count), takes its limits, starts the routing refresh and the near-cache subscriptions, and stops them
/// on disposal. Every operation asks it first (<see cref="EnsureConnectedAsync"/>); after the first connect that costs
/// one volatile read.
/// </summary>
internal sealed partial class ClusterConnection : IDisposable, IAsyncDisposable
{
    private readonly GridClientOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private GridLimits _limits;
    private volatile bool _connected;
    private volatile bool _disposed;

    public ClusterConnection(IClusterClient client, GridClientOptions options, PartitionRouter router, NearCacheCoordinator? coordinator, ILogger logger)
    {
        Client = client;
        Router = router;
        Coordinator = coordinator;
        _options = options;
        _logger = logger;
        _limits = options.Limits;
    }

    /// <summary>The Orleans client the cache runs on.</summary>
    public IClusterClient Client { get; }

    /// <summary>The partition → silo map and the resend rules.</summary>
    public PartitionRouter Router { get; }

    /// <summary>The near cache's coherence machinery (null when the near cache is off).</summary>
    public NearCacheCoordinator? Coordinator { get; }

    /// <summary>True once <see cref="ConnectAsync"/> succeeded.</summary>
    public bool IsConnected => _connected;

    /// <summary>The cluster's limits once connected (the client's configured ones before).</summary>
    public GridLimits Limits => Volatile.Read(ref _limits);

    /// <summary>Connects unless connected; completes synchronously (no allocation) once connected.</summary>
    public ValueTask EnsureConnectedAsync(CancellationToken cancellationToken) =>
        _connected ? default : new ValueTask(ConnectAsync(cancellationToken));

    /// <summary>
    /// Reads the cluster's membership and settings; refuses a cluster whose identity or partition count differs from
    /// this client's.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
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

            await Router.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var silos = Router.Table.Silos;
            if (silos.Length == 0)
            {
                throw new GridUnavailableException("The cluster has no active silo.");
            }

            var info = await ReadClusterInfoAsync(cancellationToken).ConfigureAwait(false);
            CheckIdentity(info);
            if (info.PartitionCount != _options.PartitionCount)
            {
                throw new GridConfigurationException(
                    $"This client is configured for {_options.PartitionCount} partitions but cluster '{info.ServiceId}/{info.ClusterId}' has {info.PartitionCount}; " +
                    $"set GridClient:PartitionCount to {info.PartitionCount}. Keys would otherwise be routed to the wrong partitions.");
            }

            Volatile.Write(ref _limits, info.Limits);
            Router.MaxOpsPerCall = info.Limits.MaxKeysPerCall;
            Router.DataPlaneShards = info.DataPlaneShards;
            Router.Start();
            if (Coordinator is not null)
            {
                await Coordinator.StartAsync(Router.Table).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            _connected = true;
            LogConnected(_logger, info.ServiceId, info.ClusterId, silos.Length, info.PartitionCount);
            if (!string.IsNullOrWhiteSpace(_options.Clustering.Redis) && _options.Clustering.Gateways is { Count: > 0 } unused)
            {
                // Not an error: layered configuration (a default gateway in appsettings, Redis from the environment) is
                // common; but the gateways given are not what the client uses, and a reader of the settings should know.
                LogGatewaysUnused(_logger, string.Join(", ", unused));
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Ends near-cache subscriptions (waiting briefly for the silos) and the routing refresh.</summary>
    public async ValueTask DisposeAsync()
    {
        MarkDisposed();
        if (Coordinator is not null)
        {
            await Coordinator.DisposeAsync().ConfigureAwait(false);
        }

        Router.Dispose();
        _connectGate.Dispose();
    }

    /// <summary>Ends near-cache subscriptions (without waiting for the silos) and the routing refresh.</summary>
    public void Dispose()
    {
        MarkDisposed();
        Coordinator?.Dispose();
        Router.Dispose();
        _connectGate.Dispose();
    }

    /// <summary>Every later call fails with <see cref="ObjectDisposedException"/> (it goes through <see cref="ConnectAsync"/> once no longer connected).</summary>
    private void MarkDisposed()
    {
        _disposed = true;
        _connected = false;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(GridCache), "The Grid client was disposed (DisposeAsync was called, or its host stopped); it takes no more calls.");
        }
    }

    /// <summary>
    /// The cluster's settings from a silo's entry, tried again on the next active silo after a failure that is not the
    /// grid's own verdict (<see cref="ClientRetryPipelines.UntilConnected"/>) until <see cref="GridClientOptions.ConnectTimeout"/>;
    /// then a <see cref="GridUnavailableException"/> naming the setting, with the last failure inside.
    /// </summary>
    private async Task<GridClusterInfo> ReadClusterInfoAsync(CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var timeout = _options.ConnectTimeout;
        var retry = ClientRetryPipelines.UntilConnected(timeout, time.GetTimestamp(), args =>
        {
            LogSettingsReadFailed(_logger, args.Outcome.Exception!, args.AttemptNumber + 1);
            return ValueTask.CompletedTask;
        }, time);
        int attempt = 0;
        try
        {
            return await retry.ExecuteAsync(async token =>
            {
                if (attempt++ > 0)
                {
                    // The membership may have moved on (the silo asked may be the one leaving): read it again.
                    await Router.RefreshAsync().WaitAsync(token).ConfigureAwait(false);
                }

                var silos = Router.Table.Silos;
                if (silos.Length == 0)
                {
                    throw new InvalidOperationException("The cluster has no active silo at the moment.");
                }

                return await silos[(attempt - 1) % silos.Length].Entry.GetClusterInfo().WaitAsync(token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (GridException or ArgumentException or OperationCanceledException))
        {
            throw new GridUnavailableException(
                $"No silo answered with the cluster's settings within {timeout.TotalSeconds:0.###} s (GridClient:ConnectTimeout), {attempt} attempt(s); last error: {ex.Message}", ex);
        }
    }

    /// <summary>Refuses a cluster whose service or cluster id is not the one configured.</summary>
    private void CheckIdentity(GridClusterInfo info)
    {
        // The Orleans client's own ids (those of AddGridCache are GridClient:Clustering's).
        var ids = Client.ServiceProvider.GetService<IOptions<ClusterOptions>>() is { } configured
            ? (configured.Value.ServiceId, configured.Value.ClusterId)
            : (_options.Clustering.ServiceId, _options.Clustering.ClusterId);
        if (!string.Equals(info.ServiceId, ids.ServiceId, StringComparison.Ordinal) || !string.Equals(info.ClusterId, ids.ClusterId, StringComparison.Ordinal))
        {
            throw new GridConfigurationException(
                $"This client is configured for cluster '{ids.ServiceId}/{ids.ClusterId}' (service id/cluster id) but reached cluster '{info.ServiceId}/{info.ClusterId}'; " +
                "set GridClient:Clustering:ServiceId and ClusterId to the silos' Grid:Clustering values, or point the client at the right cluster.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the cluster's settings failed (attempt {Attempt}); trying again until GridClient:ConnectTimeout")]
    private static partial void LogSettingsReadFailed(ILogger logger, Exception error, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GridClient:Clustering:Gateways ({Gateways}) is not used: GridClient:Clustering:Redis is set too, and the client finds every silo's gateway through that Redis membership")]
    private static partial void LogGatewaysUnused(ILogger logger, string gateways);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid client connected to {ServiceId}/{ClusterId}: {SiloCount} silo(s), {PartitionCount} partitions")]
    private static partial void LogConnected(ILogger logger, string serviceId, string clusterId, int siloCount, int partitionCount);
}
