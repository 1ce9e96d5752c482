using System.Diagnostics.Metrics;
using Grid.Client.Analytics;
using Grid.Client.Commands;
using Grid.Client.Connection;
using Grid.Client.Dispatch;
using Grid.Client.GetOrSet;
using Grid.Client.Invalidation;
using Grid.Client.Metrics;
using Grid.Client.NearCache;
using Grid.Client.Requests;
using Grid.Client.Routing;
using Grid.Client.Structures;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Client;

/// <summary>
/// The <see cref="IGridCache"/> implementation over an Orleans cluster client. Single operations from concurrent
/// callers are coalesced per silo (<see cref="GridClientOptions.Batching"/>) and routed to the silo that holds their
/// partition. Create it through <c>AddGridCache</c>, or with <see cref="ConnectAsync(IClusterClient, GridClientOptions?, IGridSerializer?, ILoggerFactory?, CancellationToken)"/>
/// over a client you already have.
/// </summary>
/// <remarks>
/// A facade: it builds the cache's parts once and forwards each call to the one that does it (no state of its own).
/// <see cref="ClusterConnection"/> connects and checks the cluster; <see cref="OperationDispatcher"/> gets operations to
/// their silos; <see cref="RequestBuilder"/> checks input; <see cref="KeyCommands"/>, <see cref="HashCommands"/>,
/// <see cref="ListCommands"/> and <see cref="CounterCommands"/> are the commands; <see cref="NearCacheReads"/> the
/// near cache's read path; <see cref="GetOrSetRunner"/> GetOrSet; <see cref="TagAndPatternInvalidation"/>
/// invalidation; <see cref="ClusterReports"/> the silos' reports; <see cref="GridClientMetrics"/> the instruments.
/// </remarks>
public sealed class GridCache : IGridCache, IGridAnalytics, IGridRebalancing, IDisposable, IAsyncDisposable
{
    private readonly ClusterConnection _connection;
    private readonly NearCacheReads _reads;
    private readonly ClientReadStatistics _statistics;
    private readonly KeyCommands _keys;
    private readonly CounterCommands _counters;
    private readonly HashCommands _hashes;
    private readonly ListCommands _lists;
    private readonly GetOrSetRunner _getOrSet;
    private readonly TagAndPatternInvalidation _invalidation;
    private readonly ClusterReports _reports;

    /// <summary>Builds the cache's parts over <paramref name="client"/> (not connected yet).</summary>
    /// <param name="client">The Orleans client.</param>
    /// <param name="options">Validated client options.</param>
    /// <param name="serializer">Serializer for typed calls.</param>
    /// <param name="logger">The cache's logger.</param>
    /// <param name="meterFactory">The DI container's meter factory; null: the cache's own (disposed with it).</param>
    /// <param name="timeProvider">The clock of expirations, GetOrSet timeouts and the near cache; the system's when null.</param>
    internal GridCache(IClusterClient client, GridClientOptions options, IGridSerializer serializer, ILogger logger, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        TimeProvider = time;
        Serializer = serializer;
        var sequencer = new RequestSequencer();
        var router = new PartitionRouter(client, options, logger, sequencer);
        NearCacheStore? near = null;
        NearCacheCoordinator? coordinator = null;
        if (options.NearCache.Enabled && options.Batching)
        {
            near = new NearCacheStore(options.PartitionCount, options.NearCache.MaxEntries, options.NearCache.MaxBytes, time, options.NearCache.Admission, options.NearCache.FollowHotKeyHints);
            coordinator = new NearCacheCoordinator(client, near, options.NearCache, logger);
            router.SilosChanged = coordinator.OnRoutingChanged;
            router.SilosDied = coordinator.OnSilosDied;
        }

        _connection = new ClusterConnection(client, options, router, coordinator, logger);
        NearCache = near;
        _statistics = new ClientReadStatistics(near);
        Metrics = new GridClientMetrics(meterFactory, _statistics);
        var dispatcher = new OperationDispatcher(_connection, sequencer, Metrics.Operations, options);
        Dispatcher = dispatcher;
        var requests = new RequestBuilder(_connection, time);
        _reads = new NearCacheReads(near, dispatcher, _statistics, Metrics.Operations, options);
        var runner = new CommandRunner(dispatcher, _reads, requests);
        _invalidation = new TagAndPatternInvalidation(_connection, requests);
        _keys = new KeyCommands(dispatcher, runner, requests, _reads, _statistics, _invalidation, options.ReadHotKeysFromReplicas && options.Batching ? new HotKeyHints() : null);
        _counters = new CounterCommands(runner, requests);
        _hashes = new HashCommands(runner, requests);
        _lists = new ListCommands(runner, requests);
        _getOrSet = new GetOrSetRunner(_keys, new ClusterLease(dispatcher, requests, logger), serializer, time, logger);
        _reports = new ClusterReports(_connection, _statistics, time);
    }

    /// <summary>
    /// Gets built operations to their silos, batched per silo: the silo's Redis protocol endpoint sends the ops of a
    /// whole socket read through it (one batch per target silo) instead of one call per command.
    /// </summary>
    internal OperationDispatcher Dispatcher { get; }

    /// <summary>This cache's instruments and the counters they read.</summary>
    internal GridClientMetrics Metrics { get; }

    /// <summary>The clock absolute expirations, GetOrSet timeouts and the near cache are measured against.</summary>
    internal TimeProvider TimeProvider { get; }

    /// <summary>The near cache's coherence machinery (null when the near cache is off); tests reach its hooks here.</summary>
    internal NearCacheCoordinator? NearCacheCoordinator => _connection.Coordinator;

    /// <summary>The near cache itself (null when off), for tests' counters beyond <see cref="GetStatistics"/>.</summary>
    internal NearCacheStore? NearCache { get; }

    /// <summary>The partition → silo routing (the RESP endpoint subscribes its tracking with the silos it lists).</summary>
    internal PartitionRouter Router => _connection.Router;

    /// <inheritdoc />
    public IGridSerializer Serializer { get; }

    /// <inheritdoc />
    public GridLimits Limits => _connection.Limits;

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
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _connection.ConnectAsync(cancellationToken);

    /// <summary>Stops the background routing refresh and ends near-cache subscriptions, waiting (briefly) for the silos.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }

    /// <summary>Stops the background routing refresh and ends near-cache subscriptions (without waiting for the silos).</summary>
    public void Dispose()
    {
        _connection.Dispose();
        Metrics.Dispose();
    }

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        _keys.GetAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(string key, GridReadOptions? options, CancellationToken cancellationToken = default) =>
        _keys.GetAsync(key, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _keys.SetAsync(key, value, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) => _keys.RemoveAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridVersionedValue> GetWithVersionAsync(string key, CancellationToken cancellationToken = default) =>
        _keys.GetWithVersionAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridWriteResult> SetWithVersionAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _keys.SetWithVersionAsync(key, value, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridWriteResult> RemoveWithVersionAsync(string key, GridEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _keys.RemoveWithVersionAsync(key, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _keys.ExistsAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        _keys.ExpireAsync(key, timeToLive, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> PersistAsync(string key, CancellationToken cancellationToken = default) => _keys.PersistAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default) =>
        _keys.GetTimeToLiveAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridValueType> GetTypeAsync(string key, CancellationToken cancellationToken = default) => _keys.GetTypeAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        _keys.GetManyAsync(keys, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetManyAsync(IReadOnlyCollection<KeyValuePair<string, ReadOnlyMemory<byte>>> items, GridEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _keys.SetManyAsync(items, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default) =>
        _counters.IncrementAsync(key, delta, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridCounterResult> IncrementWithVersionAsync(string key, long delta = 1, CancellationToken cancellationToken = default) =>
        _counters.IncrementWithVersionAsync(key, delta, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> DecrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default) =>
        _counters.DecrementAsync(key, delta, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> HashSetAsync(string key, string field, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        _hashes.SetAsync(key, field, value, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> HashGetAsync(string key, string field, CancellationToken cancellationToken = default) =>
        _hashes.GetAsync(key, field, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> HashGetAllAsync(string key, CancellationToken cancellationToken = default) =>
        _hashes.GetAllAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken = default) =>
        _hashes.DeleteAsync(key, field, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> HashIncrementAsync(string key, string field, long delta = 1, CancellationToken cancellationToken = default) =>
        _hashes.IncrementAsync(key, field, delta, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> HashLengthAsync(string key, CancellationToken cancellationToken = default) => _hashes.LengthAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default) =>
        _lists.PushAsync(key, values, OpFlags.Left, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> ListRightPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default) =>
        _lists.PushAsync(key, values, OpFlags.None, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> ListLeftPopAsync(string key, CancellationToken cancellationToken = default) =>
        _lists.PopAsync(key, OpFlags.Left, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> ListRightPopAsync(string key, CancellationToken cancellationToken = default) =>
        _lists.PopAsync(key, OpFlags.None, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[][]> ListRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        _lists.RangeAsync(key, start, stop, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) => _lists.LengthAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions? options = null, CancellationToken cancellationToken = default) =>
        _getOrSet.GetOrSetAsync(key, factory, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default) =>
        _invalidation.InvalidateTagAsync(tag, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> InvalidatePatternAsync(string pattern, CancellationToken cancellationToken = default) =>
        _invalidation.InvalidatePatternAsync(pattern, cancellationToken);

    /// <inheritdoc />
    public GridClientStatistics GetStatistics() => _statistics.Snapshot();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GridSiloStatistics>> GetSiloStatisticsAsync(CancellationToken cancellationToken = default) =>
        _reports.GetSiloStatisticsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GridHotKey>> GetHotKeysAsync(int top = 10, CancellationToken cancellationToken = default) =>
        _reports.GetHotKeysAsync(top, cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridAnalyticsReport> GetAnalyticsAsync(CancellationToken cancellationToken = default) =>
        _reports.GetAnalyticsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridRebalanceStatus> GetRebalanceStatusAsync(CancellationToken cancellationToken = default) =>
        _reports.GetRebalanceStatusAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<GridRebalanceSettings> ChangeRebalanceAsync(GridRebalanceChange change, CancellationToken cancellationToken = default) =>
        _reports.ChangeRebalanceAsync(change, cancellationToken);

    /// <summary>The connection to the cluster was lost: the near cache can no longer hear about changes, so it empties.</summary>
    internal void OnConnectionLost(bool expected = false) => _connection.Coordinator?.OnConnectionLost(expected);
}
