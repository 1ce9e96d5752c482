using System.Text;
using Grid.Client.Routing;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// Keeps the near cache coherent with the grid: subscribes this client with every silo's hub (and renews it), gives
/// each silo channel its tracking slot, receives the silos' invalidation pushes and applies them, and drops what can no
/// longer be trusted (a silo that left, restarted or forgot the subscription).
/// </summary>
internal sealed partial class NearCacheCoordinator : IInvalidationObserver, IDisposable
{
    private readonly IClusterClient _client;
    private readonly NearCacheStore _store;
    private readonly NearCacheOptions _options;
    private readonly ILogger _logger;
    private readonly Guid _clientId = Guid.NewGuid();
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private readonly Dictionary<SiloAddress, long> _epochs = [];
    private IInvalidationObserver? _reference;
    private ITimer? _renewal;
    private SiloChannel[] _subscribed = [];

    public NearCacheCoordinator(IClusterClient client, NearCacheStore store, NearCacheOptions options, ILogger logger)
    {
        _client = client;
        _store = store;
        _options = options;
        _logger = logger;
    }

    /// <summary>Test hook: invalidation batches for which this returns true are dropped on arrival (a lost message).</summary>
    internal Func<InvalidationBatch, bool>? DropFilter { get; set; }

    public Task OnInvalidated(InvalidationBatch batch)
    {
        if (DropFilter?.Invoke(batch) == true)
        {
            return Task.CompletedTask;
        }

        for (int i = 0; i < batch.Partitions.Length; i++)
        {
            string? key = batch.Keys[i] is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
            _store.Invalidate(batch.Silo, batch.Epoch, batch.Partitions[i], batch.Sequences[i], key);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// After this client ran an invalidation: waits (briefly) until the near cache has applied every invalidation the
    /// silos queued for it so far, then drops the partitions whose pushes are still on the way. So the caller never
    /// reads back from its own near cache a value its invalidation removed.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var channels = _subscribed;
        var calls = new Task<long[]?>[channels.Length];
        for (int i = 0; i < channels.Length; i++)
        {
            calls[i] = _client.GetGrain<INearCacheHubGrain>(channels[i].Silo.ToParsableString() + "#hub").GetSequences(_clientId);
        }

        long[]?[] sequences;
        try
        {
            sequences = await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Cannot tell what is still on the way: nothing held can be trusted.
            LogCatchUpFailed(_logger, ex);
            _store.Clear();
            return;
        }

        var deadline = Environment.TickCount64 + (long)CatchUpWait.TotalMilliseconds;
        while (Behind(channels, sequences) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }

        for (int c = 0; c < channels.Length; c++)
        {
            if (sequences[c] is { } silo)
            {
                for (int p = 0; p < silo.Length; p++)
                {
                    _store.DropIfBehind(channels[c].Silo, channels[c].NearCacheEpoch, p, silo[p]);
                }
            }
        }
    }

    /// <summary>How long <see cref="CatchUpAsync"/> waits for pushes in flight before dropping their partitions.</summary>
    internal static TimeSpan CatchUpWait { get; } = TimeSpan.FromMilliseconds(100);

    private bool Behind(SiloChannel[] channels, long[]?[] sequences)
    {
        for (int c = 0; c < channels.Length; c++)
        {
            if (sequences[c] is { } silo)
            {
                for (int p = 0; p < silo.Length; p++)
                {
                    if (_store.IsBehind(channels[c].Silo, channels[c].NearCacheEpoch, p, silo[p]))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Subscribes with every silo of <paramref name="table"/> and starts renewing.</summary>
    public async Task StartAsync(RoutingTable table)
    {
        _reference ??= _client.CreateObjectReference<IInvalidationObserver>(this);
        await SyncAsync(table).ConfigureAwait(false);
        _renewal ??= TimeProvider.System.CreateTimer(_ => _ = RenewAsync(), null, _options.SubscriptionRenewal, _options.SubscriptionRenewal);
    }

    /// <summary>The routing table changed: forget silos that left, subscribe with new ones.</summary>
    public void OnRoutingChanged(RoutingTable table)
    {
        if (_reference is not null)
        {
            _ = RenewAsync(table);
        }
    }

    /// <summary>The client lost its connection to the cluster: nothing held can be trusted.</summary>
    public void OnConnectionLost(bool expected)
    {
        _store.Clear();
        if (expected)
        {
            LogClearedOnStop(_logger);
        }
        else
        {
            LogCleared(_logger);
        }
    }

    public void Dispose() => _ = DisposeAsync();

    /// <summary>Stops renewing, ends the subscription on every silo (so they stop tracking for this client) and drops the observer.</summary>
    public async Task DisposeAsync()
    {
        _renewal?.Dispose();
        _renewal = null;
        var reference = Interlocked.Exchange(ref _reference, null);
        if (reference is null)
        {
            return;
        }

        try
        {
            var unsubscribes = new List<Task>();
            foreach (var channel in _subscribed)
            {
                unsubscribes.Add(_client.GetGrain<INearCacheHubGrain>(channel.Silo.ToParsableString() + "#hub").Unsubscribe(_clientId));
            }

            await Task.WhenAll(unsubscribes).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            _client.DeleteObjectReference<IInvalidationObserver>(reference);
        }
        catch (Exception ex)
        {
            // Too late (the client is already stopping): the silos drop the subscription when it is not renewed.
            LogUnsubscribeFailed(_logger, ex);
        }
    }

    private Task RenewAsync() => RenewAsync(null);

    private async Task RenewAsync(RoutingTable? table)
    {
        try
        {
            await SyncAsync(table ?? new RoutingTable(_subscribed, [])).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Channels keep their last slot; SyncAsync dropped what it could not confirm.
            LogRenewFailed(_logger, ex);
        }
    }

    private async Task SyncAsync(RoutingTable table)
    {
        await _syncGate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var old in _subscribed)
            {
                if (Array.IndexOf(table.Silos, old) < 0)
                {
                    _store.DropSilo(old.Silo);
                    _epochs.Remove(old.Silo);
                }
            }

            _subscribed = table.Silos;
            foreach (var channel in table.Silos)
            {
                await SubscribeAsync(channel).ConfigureAwait(false);
            }
        }
        finally
        {
            _syncGate.Release();
        }
    }

    private async Task SubscribeAsync(SiloChannel channel)
    {
        NearCacheSubscription subscription;
        try
        {
            var hub = _client.GetGrain<INearCacheHubGrain>(channel.Silo.ToParsableString() + "#hub");
            subscription = await hub.Subscribe(_clientId, _reference!).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Without a confirmed subscription nothing read from this silo may be kept.
            channel.TrackingSlot = -1;
            _store.DropSilo(channel.Silo);
            _epochs.Remove(channel.Silo);
            LogSubscribeFailed(_logger, ex, channel.Silo);
            return;
        }

        bool known = _epochs.TryGetValue(channel.Silo, out long epoch);
        if (known && (!subscription.Renewed || epoch != subscription.Epoch))
        {
            // The silo forgot us (restart or expiry): invalidations may have been lost meanwhile.
            _store.DropSilo(channel.Silo);
        }

        _epochs[channel.Silo] = subscription.Epoch;
        channel.NearCacheEpoch = subscription.Epoch;
        channel.TrackingSlot = subscription.Slot;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Near cache cleared: the silos' invalidation sequence numbers could not be read after an invalidation")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ending near-cache subscriptions failed; the silos expire them")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Near cache cleared: the connection to the cluster was lost")]
    private static partial void LogCleared(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Near cache cleared: the client is stopping")]
    private static partial void LogClearedOnStop(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing near-cache subscriptions failed; retrying on the next tick")]
    private static partial void LogRenewFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing the near cache with silo {Silo} failed; values from it are not kept until it succeeds")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception error, SiloAddress silo);
}
