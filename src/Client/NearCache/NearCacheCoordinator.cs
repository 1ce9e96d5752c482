using System.Text;
using Grid.Client.Routing;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Client.NearCache;

/// <summary>
/// Keeps the near cache coherent with the grid: subscribes this client with every silo's hub and renews it every third
/// of the silo's lease (so a silo that cannot be reached stops counting within the lease), gives each silo channel its
/// tracking slot, receives the silos' invalidation pushes and applies them (confirming them when the silo asks), and
/// drops what can no longer be trusted (a silo that left, died, restarted, cut this client off or forgot it).
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SiloAddress, PushLedger> _ledgers = new();
    private IInvalidationObserver? _reference;
    private ITimer? _renewal;
    private long _renewalPeriodMs = NearCacheSubscription.DefaultLeaseMs / 3;
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

    public Task OnInvalidatedConfirmed(InvalidationBatch batch) => OnInvalidated(batch);

    public Task OnInvalidated(InvalidationBatch batch)
    {
        if (DropFilter?.Invoke(batch) == true)
        {
            return Task.CompletedTask;
        }

        _ledgers.GetOrAdd(batch.Silo, static _ => new PushLedger()).OnReceived(batch.Partitions.Length);
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
        var period = TimeSpan.FromMilliseconds(Math.Max(100, Volatile.Read(ref _renewalPeriodMs)));
        _renewal ??= TimeProvider.System.CreateTimer(_ => _ = RenewAsync(), null, period, period);
    }

    /// <summary>Silos declared dead: nothing read from them is served any more.</summary>
    public void OnSilosDied(IReadOnlyList<SiloAddress> silos)
    {
        foreach (var silo in silos)
        {
            _store.LapseLease(silo);
            _store.DropSilo(silo);
        }
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

        // No invalidation reaches this client from now on, so nothing it holds can be vouched for (a disposed client
        // served a value 500 ms after another client had replaced it); with no partition vouched for, nothing is kept again.
        _store.Clear();
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

    /// <summary>The periodic renewal: skipped while the previous round (or a routing change's) is still under way.</summary>
    private async Task RenewAsync()
    {
        if (!await _syncGate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        _syncGate.Release();
        await RenewAsync(null).ConfigureAwait(false);
    }

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
                    _store.ForgetLease(old.Silo);
                    _ledgers.TryRemove(old.Silo, out _);
                    lock (_epochs)
                    {
                        _epochs.Remove(old.Silo);
                    }
                }
            }

            _subscribed = table.Silos;

            // All at once and each bounded: a frozen silo must not hold back the renewals (the leases) of the others.
            var renewals = new Task[table.Silos.Length];
            for (int i = 0; i < renewals.Length; i++)
            {
                renewals[i] = SubscribeAsync(table.Silos[i]);
            }

            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    private async Task SubscribeAsync(SiloChannel channel)
    {
        NearCacheSubscription subscription;
        long sentAt = _store.NowMs;
        try
        {
            var hub = _client.GetGrain<INearCacheHubGrain>(channel.Silo.ToParsableString() + "#hub");
            subscription = await hub.Subscribe(_clientId, _reference!).WaitAsync(RenewalTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Without a confirmed renewal nothing read from this silo may be served (the next success drops it all) or kept.
            _store.LapseLease(channel.Silo);
            channel.TrackingSlot = -1;
            LogSubscribeFailed(_logger, ex, channel.Silo);
            return;
        }

        var ledger = _ledgers.GetOrAdd(channel.Silo, static _ => new PushLedger());
        bool fresh;
        lock (_epochs)
        {
            bool known = _epochs.TryGetValue(channel.Silo, out long epoch);
            fresh = !known || !subscription.Renewed || epoch != subscription.Epoch;
            if (known && fresh)
            {
                // The silo forgot us (restart, expiry, or it cut us off): invalidations may have been lost meanwhile.
                _store.DropSilo(channel.Silo);
            }

            _epochs[channel.Silo] = subscription.Epoch;
        }

        if (fresh)
        {
            ledger.Rebase(subscription.Enqueued);
        }
        else if (ledger.IsBehind)
        {
            if (!ledger.Behind())
            {
                // Pushes queued before the last renewal have not arrived (lost, or stuck behind a gateway): serve nothing
                // read from this silo until they do (the lease lapses, so what it held is dropped before it serves again).
                LogPushesLate(_logger, channel.Silo, ledger.Expected - ledger.Received - ledger.Offset);
                _store.LapseLease(channel.Silo);
                return;
            }

            // Still missing: given up as lost. Everything read from the silo goes, and counting starts afresh.
            LogPushesLost(_logger, channel.Silo);
            _store.DropSilo(channel.Silo);
            ledger.Rebase(subscription.Enqueued);
        }
        else
        {
            ledger.InStep(subscription.Enqueued);
        }

        _store.RenewLease(channel.Silo, sentAt, subscription.LeaseMs);
        channel.NearCacheEpoch = subscription.Epoch;
        channel.TrackingSlot = subscription.Slot;
        AdjustRenewalPeriod(subscription.LeaseMs);
    }

    /// <summary>How long one renewal may take: a silo that answers later is treated as unreachable for this round.</summary>
    private static readonly TimeSpan RenewalTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Renews every third of the shortest lease the silos grant.</summary>
    private void AdjustRenewalPeriod(long leaseMs)
    {
        long period = Math.Max(100, leaseMs / 3);
        if (Volatile.Read(ref _renewalPeriodMs) == period)
        {
            return;
        }

        Volatile.Write(ref _renewalPeriodMs, period);
        _renewal?.Change(TimeSpan.FromMilliseconds(period), TimeSpan.FromMilliseconds(period));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Near cache: {Missing} invalidation(s) from silo {Silo} are late; what was read from it is not served until they arrive")]
    private static partial void LogPushesLate(ILogger logger, SiloAddress silo, long missing);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Near cache: invalidations from silo {Silo} were lost; everything read from it is dropped")]
    private static partial void LogPushesLost(ILogger logger, SiloAddress silo);

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
