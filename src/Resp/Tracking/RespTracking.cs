using System.Text;
using Grid.Client;
using Grid.Client.NearCache;
using Grid.Client.Routing;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Resp.Tracking;

/// <summary>
/// Client-side caching for the silo's RESP connections (<c>CLIENT TRACKING</c>), fed by the grid's own invalidations.
/// <para>
/// Default mode reuses Grid.Client's near-cache coherence: the endpoint subscribes with every silo's near-cache hub as
/// one client (one tracking slot per silo for all its connections, not one per connection: a silo tracks at most 64
/// clients), its GETs of tracking connections are tracked reads, and the hubs push the changes of the keys it read. A
/// table here (key → connections, like Redis's tracking table) fans each push out to the connections that read the
/// key. Whatever cannot be trusted any more (a hub that forgot the endpoint, pushes lost, a partition that moved, a
/// silo that left) becomes "drop everything" (<c>>2 invalidate _</c>) for every default-mode connection.
/// </para>
/// <para>
/// BCAST mode subscribes with every silo's key broadcast (<see cref="IKeyBroadcastGrain"/>) with the union of the
/// connections' prefixes and hands each changed key to the connections whose prefixes match it.
/// </para>
/// </summary>
internal sealed partial class RespTracking : IAsyncDisposable
{
    /// <summary>Keys one default-mode connection may be tracked for; past it, it is told to drop everything and starts over.</summary>
    public const int MaxKeysPerClient = 100_000;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BroadcastRenewal = TimeSpan.FromSeconds(5);

    private readonly IClusterClient _client;
    private readonly GridCache _cache;
    private readonly ILogger _logger;
    private readonly Guid _id = Guid.NewGuid();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<TrackingClient>> _keys = new(StringComparer.Ordinal);
    private readonly List<TrackingClient> _defaultClients = [];
    private readonly Dictionary<SiloAddress, (long Epoch, PushLedger? Ledger)> _hubs = [];
    private readonly Dictionary<SiloAddress, long> _broadcasts = [];
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private TrackingClient[] _broadcastClients = [];
    private IInvalidationObserver? _hubReference;
    private IInvalidationObserver? _broadcastReference;
    private TrackingObserver? _hubObserver;
    private TrackingObserver? _broadcastObserver;
    private ITimer? _timer;
    private long _lastBroadcastRenewal;
    private bool _broadcastChanged;

    public RespTracking(IClusterClient client, GridCache cache, ILogger logger)
    {
        _client = client;
        _cache = cache;
        _logger = logger;
    }

    /// <summary>Default-mode connections now (tests, statistics).</summary>
    public int DefaultClients
    {
        get
        {
            lock (_gate)
            {
                return _defaultClients.Count;
            }
        }
    }

    /// <summary>Turns tracking on for <paramref name="client"/> (mode and prefixes already set) and waits for the subscriptions.</summary>
    public async Task EnableAsync(TrackingClient client)
    {
        lock (_gate)
        {
            if (client.Broadcast)
            {
                if (Array.IndexOf(_broadcastClients, client) < 0)
                {
                    _broadcastClients = [.. _broadcastClients, client];
                }

                _broadcastChanged = true;
            }
            else if (!_defaultClients.Contains(client))
            {
                _defaultClients.Add(client);
            }

            client.Enabled = true;
        }

        Start();

        // The first subscription (or the new prefixes) before the +OK: a change right after it must be heard.
        await RenewAsync().ConfigureAwait(false);
    }

    /// <summary>Turns tracking off for <paramref name="client"/> (CLIENT TRACKING OFF, or the connection closed).</summary>
    public void Disable(TrackingClient client)
    {
        lock (_gate)
        {
            client.Enabled = false;
            if (client.Broadcast)
            {
                _broadcastClients = Array.FindAll(_broadcastClients, c => !ReferenceEquals(c, client));
                _broadcastChanged = true;
            }
            else
            {
                _defaultClients.Remove(client);
                ForgetKeys(client);
            }
        }
    }

    /// <summary>
    /// Default mode: <paramref name="client"/> is about to read <paramref name="key"/> with a tracked GET. Registered
    /// before the read leaves, so a change the silo reports from then on reaches the connection.
    /// </summary>
    public void Track(TrackingClient client, byte[] key)
    {
        string text = Encoding.Latin1.GetString(key);
        lock (_gate)
        {
            if (!client.Enabled || client.Broadcast)
            {
                return;
            }

            if (!client.Keys.Add(text))
            {
                return;
            }

            if (client.Keys.Count > MaxKeysPerClient)
            {
                // Redis evicts tracked keys past tracking-table-max-keys the same way: the client drops its copies.
                ForgetKeys(client);
                client.Push(null);
                client.Keys.Add(text);
            }

            if (!_keys.TryGetValue(text, out var clients))
            {
                _keys[text] = clients = [];
            }

            clients.Add(client);
        }
    }

    /// <summary>Stops renewing and ends the subscriptions.</summary>
    public async ValueTask DisposeAsync()
    {
        _timer?.Dispose();
        _timer = null;
        try
        {
            var ends = new List<Task>();
            foreach (var silo in _cache.Router.Table.Silos)
            {
                if (_hubReference is not null)
                {
                    ends.Add(_client.GetGrain<INearCacheHubGrain>(silo.Silo.ToParsableString() + "#hub").Unsubscribe(_id));
                }

                if (_broadcastReference is not null)
                {
                    ends.Add(_client.GetGrain<IKeyBroadcastGrain>(silo.Silo.ToParsableString() + "#broadcast").Unsubscribe(_id));
                }
            }

            await Task.WhenAll(ends).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The silo is stopping: the subscriptions expire.
            LogUnsubscribeFailed(_logger, ex);
        }
    }

    /// <summary>Starts the renewals (once): every third of the hubs' lease, and at every routing change.</summary>
    private void Start()
    {
        lock (_gate)
        {
            if (_timer is not null)
            {
                return;
            }

            _hubObserver = new TrackingObserver(OnHubBatch);
            _broadcastObserver = new TrackingObserver(OnBroadcastBatch);
            _hubReference = _client.CreateObjectReference<IInvalidationObserver>(_hubObserver);
            _broadcastReference = _client.CreateObjectReference<IInvalidationObserver>(_broadcastObserver);
            var router = _cache.Router;
            router.SilosChanged = changed => _ = RenewAsync();
            router.SilosDied = died => FlushDefault();
            var period = TimeSpan.FromMilliseconds(NearCacheSubscription.DefaultLeaseMs / 3);
            _timer = TimeProvider.System.CreateTimer(state => _ = RenewAsync(), null, period, period);
        }
    }

    private async Task RenewAsync()
    {
        await _renewing.WaitAsync().ConfigureAwait(false);
        try
        {
            await _cache.Dispatcher.EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
            var silos = _cache.Router.Table.Silos;
            bool hubs;
            bool broadcasts;
            byte[][] prefixes;
            lock (_gate)
            {
                hubs = _defaultClients.Count > 0;
                long now = Environment.TickCount64;
                broadcasts = _broadcastChanged || (_broadcastClients.Length > 0 && now - _lastBroadcastRenewal >= (long)BroadcastRenewal.TotalMilliseconds);
                prefixes = broadcasts ? UnionOfPrefixes() : [];
                if (broadcasts)
                {
                    _broadcastChanged = false;
                    _lastBroadcastRenewal = now;
                }
            }

            ForgetGoneSilos(silos);
            if (!hubs)
            {
                // No default-mode connection left: the hubs drop the subscription once it is not renewed, and its slot
                // may then be another client's, so no frame carries it any more.
                foreach (var channel in silos)
                {
                    channel.TrackingSlot = -1;
                }

                lock (_gate)
                {
                    _hubs.Clear();
                }
            }

            var calls = new List<Task>(silos.Length * 2);
            foreach (var channel in silos)
            {
                if (hubs)
                {
                    calls.Add(SubscribeHubAsync(channel));
                }

                if (broadcasts)
                {
                    calls.Add(SubscribeBroadcastAsync(channel.Silo, prefixes));
                }
            }

            await Task.WhenAll(calls).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRenewFailed(_logger, ex);
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>Silos no longer in the routing table: what the connections read from them can no longer be invalidated.</summary>
    private void ForgetGoneSilos(SiloChannel[] silos)
    {
        bool gone = false;
        lock (_gate)
        {
            foreach (var silo in new List<SiloAddress>(_hubs.Keys))
            {
                if (!Array.Exists(silos, c => c.Silo.Equals(silo)))
                {
                    _hubs.Remove(silo);
                    gone = true;
                }
            }

            foreach (var silo in new List<SiloAddress>(_broadcasts.Keys))
            {
                if (!Array.Exists(silos, c => c.Silo.Equals(silo)))
                {
                    _broadcasts.Remove(silo);
                }
            }
        }

        if (gone)
        {
            FlushDefault();
        }
    }

    private async Task SubscribeHubAsync(SiloChannel channel)
    {
        NearCacheSubscription subscription;
        try
        {
            var hub = _client.GetGrain<INearCacheHubGrain>(channel.Silo.ToParsableString() + "#hub");
            subscription = await hub.Subscribe(_id, _hubReference!).WaitAsync(CallTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Reads from this silo are not tracked until a renewal succeeds (they are answered with an immediate
            // invalidation), and what was tracked there may miss its invalidations: everything goes.
            channel.TrackingSlot = -1;
            bool known;
            lock (_gate)
            {
                known = _hubs.Remove(channel.Silo);
            }

            if (known)
            {
                FlushDefault();
            }

            LogSubscribeFailed(_logger, ex, channel.Silo);
            return;
        }

        bool flush = false;
        lock (_gate)
        {
            bool known = _hubs.TryGetValue(channel.Silo, out var state);
            var ledger = state.Ledger ?? new PushLedger();
            bool fresh = !known || !subscription.Renewed || state.Epoch != subscription.Epoch;
            if (fresh)
            {
                // The hub forgot the endpoint (restart, expiry, cut off): invalidations may have been lost meanwhile.
                flush = known;
                ledger.Rebase(subscription.Enqueued);
            }
            else if (ledger.IsBehind)
            {
                if (ledger.Behind())
                {
                    LogPushesLost(_logger, channel.Silo);
                    flush = true;
                    ledger.Rebase(subscription.Enqueued);
                }
            }
            else
            {
                ledger.InStep(subscription.Enqueued);
            }

            _hubs[channel.Silo] = (subscription.Epoch, ledger);
        }

        if (flush)
        {
            FlushDefault();
        }

        channel.NearCacheEpoch = subscription.Epoch;
        channel.TrackingSlot = subscription.Slot;
    }

    private async Task SubscribeBroadcastAsync(SiloAddress silo, byte[][] prefixes)
    {
        long incarnation;
        try
        {
            var broadcast = _client.GetGrain<IKeyBroadcastGrain>(silo.ToParsableString() + "#broadcast");
            incarnation = await broadcast.Subscribe(_id, _broadcastReference!, prefixes).WaitAsync(CallTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            bool known;
            lock (_gate)
            {
                known = _broadcasts.Remove(silo);
                _broadcastChanged = true;
            }

            if (known)
            {
                FlushBroadcast();
            }

            LogSubscribeFailed(_logger, ex, silo);
            return;
        }

        bool missed;
        lock (_gate)
        {
            missed = _broadcasts.TryGetValue(silo, out long previous) && previous != incarnation;
            _broadcasts[silo] = incarnation;
        }

        if (missed)
        {
            FlushBroadcast();
        }
    }

    /// <summary>Under the lock: every BCAST prefix of every connection, without repeats.</summary>
    private byte[][] UnionOfPrefixes()
    {
        var union = new List<byte[]>();
        foreach (var client in _broadcastClients)
        {
            foreach (var prefix in client.Prefixes)
            {
                if (!union.Exists(p => p.AsSpan().SequenceEqual(prefix)))
                {
                    union.Add(prefix);
                }
            }
        }

        return [.. union];
    }

    private void OnHubBatch(InvalidationBatch batch)
    {
        bool flush = false;
        lock (_gate)
        {
            if (_hubs.TryGetValue(batch.Silo, out var state))
            {
                state.Ledger?.OnReceived(batch.Keys.Length);
            }

            foreach (var key in batch.Keys)
            {
                if (key is null)
                {
                    // A partition's tracking was dropped (it moved or closed): which keys were read there is not known here.
                    flush = true;
                    continue;
                }

                string text = Encoding.Latin1.GetString(key);
                if (_keys.Remove(text, out var clients))
                {
                    foreach (var client in clients)
                    {
                        // Tracking of a key ends with its change, as in Redis and in the silo: a new read tracks it again.
                        client.Keys.Remove(text);
                        client.Push(key);
                    }
                }
            }
        }

        if (flush)
        {
            FlushDefault();
        }
    }

    private void OnBroadcastBatch(InvalidationBatch batch)
    {
        var clients = Volatile.Read(ref _broadcastClients);
        foreach (var key in batch.Keys)
        {
            if (key is null)
            {
                continue;
            }

            foreach (var client in clients)
            {
                if (client.Matches(key))
                {
                    client.Push(key);
                }
            }
        }
    }

    /// <summary>Every default-mode connection drops everything it holds, and nothing stays tracked.</summary>
    private void FlushDefault()
    {
        lock (_gate)
        {
            _keys.Clear();
            foreach (var client in _defaultClients)
            {
                client.Keys.Clear();
                client.Push(null);
            }
        }
    }

    /// <summary>Every BCAST connection drops everything it holds (changes may have been missed).</summary>
    private void FlushBroadcast()
    {
        foreach (var client in Volatile.Read(ref _broadcastClients))
        {
            client.Push(null);
        }
    }

    /// <summary>Under the lock: removes the client from the table.</summary>
    private void ForgetKeys(TrackingClient client)
    {
        foreach (var key in client.Keys)
        {
            if (_keys.TryGetValue(key, out var clients))
            {
                clients.Remove(client);
                if (clients.Count == 0)
                {
                    _keys.Remove(key);
                }
            }
        }

        client.Keys.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP tracking: subscribing with silo {Silo} failed; its tracking connections are told to drop what they hold")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception error, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP tracking: invalidations from silo {Silo} were lost; tracking connections are told to drop what they hold")]
    private static partial void LogPushesLost(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RESP tracking: renewing the subscriptions failed; retrying on the next tick")]
    private static partial void LogRenewFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RESP tracking: ending the subscriptions failed; the silos expire them")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception error);
}
