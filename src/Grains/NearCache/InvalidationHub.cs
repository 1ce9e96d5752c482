using System.Collections.Concurrent;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.NearCache;

/// <summary>
/// The silo side of near-cache coherence (like Redis client-side caching in tracking mode): subscribed clients get a
/// slot; stores remember, per key, which slots read it (<see cref="IReadTracker"/>); when a tracked key changes, the
/// hub queues an invalidation for exactly those clients, numbered per client and partition, and a pump pushes the
/// queues to the clients' observers in batches. Tracking of a key ends with its change; a client re-reads to re-track.
/// <para>
/// Each renewal grants the client a lease (<see cref="NearCacheSiloOptions.LeaseDuration"/>, shorter than failure
/// detection): a client that cannot renew (this silo died, froze, or is unreachable) stops serving what it read from
/// here within it. In <see cref="NearCacheCoherence.Strict"/> coherence a write to a tracked key is answered only once
/// every tracking client confirmed the invalidation (<see cref="IInvalidationObserver.OnInvalidatedConfirmed"/>); a
/// client that does not confirm within the lease is cut off (its slot is freed, its next renewal tells it to drop
/// everything from this silo) and the write answers once that client's lease ran out.
/// </para>
/// </summary>
internal sealed partial class InvalidationHub : ILifecycleParticipant<ISiloLifecycle>, IStoreChangeListener, IReadTracker, IDisposable
{
    /// <summary>Clients a silo tracks at once (one bit each in the stores' tracking tables).</summary>
    public const int MaxSlots = 64;

    private const int MaxBatch = 4096;

    private readonly NearCacheSubscriber?[] _slots = new NearCacheSubscriber?[MaxSlots];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ILocalSiloDetails _silo;
    private readonly GridClock _clock;
    private readonly ILogger<InvalidationHub> _logger;
    private readonly int _partitionCount;
    private readonly long _maxTrackedKeys;
    private readonly TimeSpan _subscriptionTimeout;
    private readonly TimeSpan _lease;
    private readonly bool _strict;
    private readonly CancellationTokenSource _stopping = new();
    private Task _pump = Task.CompletedTask;
    private long _tracked;
    private int _pending;
    private int _pushesOut;
    private TaskCompletionSource? _drained;

    public InvalidationHub(IOptions<GridSiloOptions> options, ILocalSiloDetails silo, GridClock clock, ILogger<InvalidationHub> logger)
    {
        _silo = silo;
        _clock = clock;
        _logger = logger;
        _partitionCount = options.Value.PartitionCount;
        _maxTrackedKeys = options.Value.NearCache.MaxTrackedKeys;
        _subscriptionTimeout = options.Value.NearCache.SubscriptionTimeout;
        _lease = options.Value.NearCache.LeaseDuration;
        _strict = options.Value.NearCache.Coherence == NearCacheCoherence.Strict;
        Epoch = Environment.TickCount64 ^ ((long)Random.Shared.Next() << 32);
    }

    /// <summary>Identifies this incarnation of the hub: a client that sees another epoch knows what was tracked is gone.</summary>
    public long Epoch { get; }

    /// <summary>Keys tracked for clients right now.</summary>
    public long TrackedKeys => Volatile.Read(ref _tracked);

    /// <summary>Invalidations pushed so far (for statistics).</summary>
    public long Sent => Volatile.Read(ref _sent);

    private long _sent;

    /// <summary>Key changes that invalidated clients' near-cache copies, by cause (<see cref="InvalidationCauses"/>).</summary>
    internal Grid.Metrics.StripedCounters InvalidationsByCause { get; } = new(Metrics.InvalidationCauses.Count);

    /// <summary>Clients subscribed now.</summary>
    internal int Subscribers
    {
        get
        {
            int count = 0;
            for (int i = 0; i < MaxSlots; i++)
            {
                if (Volatile.Read(ref _slots[i]) is not null)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Test hook: drops outgoing invalidations while set.</summary>
    internal Func<InvalidationBatch, bool>? DropFilter { get; set; }

    public NearCacheSubscription Subscribe(Guid clientId, IInvalidationObserver observer)
    {
        long now = _clock.NowMs;
        long leaseUntil = Environment.TickCount64 + (long)_lease.TotalMilliseconds;
        long leaseMs = (long)_lease.TotalMilliseconds;
        lock (_gate)
        {
            int free = -1;
            for (int i = 0; i < MaxSlots; i++)
            {
                var subscriber = _slots[i];
                if (subscriber is null)
                {
                    free = free < 0 ? i : free;
                }
                else if (subscriber.ClientId == clientId)
                {
                    subscriber.Observer = observer;
                    subscriber.RenewedAt = now;
                    subscriber.LeaseUntil = leaseUntil;
                    return new NearCacheSubscription(i, Epoch, Renewed: true, leaseMs, subscriber.Enqueued);
                }
            }

            if (free < 0)
            {
                LogFull(_logger, clientId, MaxSlots);
                return new NearCacheSubscription(-1, Epoch, Renewed: false, leaseMs);
            }

            Volatile.Write(ref _slots[free], new NearCacheSubscriber(clientId, observer, _partitionCount) { RenewedAt = now, LeaseUntil = leaseUntil });
            LogSubscribed(_logger, clientId, free);
            return new NearCacheSubscription(free, Epoch, Renewed: false, leaseMs);
        }
    }

    public void Unsubscribe(Guid clientId)
    {
        lock (_gate)
        {
            for (int i = 0; i < MaxSlots; i++)
            {
                if (_slots[i]?.ClientId == clientId)
                {
                    Volatile.Write(ref _slots[i], null);
                }
            }
        }
    }

    /// <summary>A copy of the client's sequence numbers per partition (null when it holds no slot here).</summary>
    public long[]? SequencesOf(Guid clientId)
    {
        foreach (var subscriber in _slots)
        {
            if (subscriber?.ClientId == clientId)
            {
                var copy = new long[subscriber.Sequences.Length];
                for (int i = 0; i < copy.Length; i++)
                {
                    copy[i] = Volatile.Read(ref subscriber.Sequences[i]);
                }

                return copy;
            }
        }

        return null;
    }

    public void OnChanged(in StoreChange change)
    {
        ulong bits = change.Trackers;
        if (bits == 0)
        {
            return;
        }

        InvalidationsByCause.Increment(Metrics.InvalidationCauses.IndexOf(change.Kind, change.Cause));
        byte[]? key = null;
        var context = _strict ? change.Context : null;
        while (bits != 0)
        {
            int slot = System.Numerics.BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            if (Volatile.Read(ref _slots[slot]) is { } subscriber)
            {
                key ??= change.Key.ToArray();
                long position = subscriber.Enqueue(change.Partition, key, change.Version);
                context?.RequireConfirmed(subscriber, position);
            }
        }

        Signal();
    }

    /// <summary>Completes once every client <paramref name="context"/> waits on confirmed (strict coherence; at once otherwise).</summary>
    public Task WhenConfirmed(BatchContext context)
    {
        if (context.InvalidationFences is not { } fences)
        {
            return Task.CompletedTask;
        }

        if (fences.Count == 1)
        {
            return fences[0].Client.WhenConfirmed(fences[0].Position);
        }

        var waits = new Task[fences.Count];
        for (int i = 0; i < waits.Length; i++)
        {
            waits[i] = fences[i].Client.WhenConfirmed(fences[i].Position);
        }

        return Task.WhenAll(waits);
    }

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _tracked) <= _maxTrackedKeys)
        {
            return true;
        }

        Interlocked.Decrement(ref _tracked);
        return false;
    }

    public void Release(int keys) => Interlocked.Add(ref _tracked, -keys);

    public long Sequence(int slot, int partition) =>
        Volatile.Read(ref _slots[slot]) is { } subscriber ? Volatile.Read(ref subscriber.Sequences[partition]) : 0;

    public void OnTrackingDropped(int partition, int trackedKeys, BatchContext? context)
    {
        Release(trackedKeys);
        context = _strict ? context : null;
        foreach (var subscriber in _slots)
        {
            if (subscriber is not null)
            {
                long position = subscriber.Enqueue(partition, null, 0);
                context?.RequireConfirmed(subscriber, position);
            }
        }

        Signal();
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>
    /// The pump runs with the silo's runtime, not as a hosted service: a stopping silo closes its partitions (telling the
    /// clients that tracked them to drop them) after the hosted services registered with it have stopped, and those
    /// last pushes must still leave.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(InvalidationHub), ServiceLifecycleStage.RuntimeGrainServices, OnStart, OnStop);

    private Task OnStart(CancellationToken cancellationToken)
    {
        _pump = Task.Run(() => PumpAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);

        // What the partitions' close queued (the "drop this partition" pushes) leaves now, and the silo waits for it
        // (within its shutdown timeout) before its connections close.
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        PushAll();
        if (Volatile.Read(ref _pushesOut) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        var expiryCheck = TimeSpan.FromSeconds(1);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(expiryCheck, stoppingToken).ConfigureAwait(false);
                Volatile.Write(ref _pending, 0);
                PushAll();
                DropExpiredSubscribers();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Silo stopping: OnStop pushes what is left.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        _signal.Dispose();
    }

    private void PushStarted() => Interlocked.Increment(ref _pushesOut);

    private void PushEnded()
    {
        if (Interlocked.Decrement(ref _pushesOut) == 0)
        {
            Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    private void PushAll()
    {
        for (int slot = 0; slot < MaxSlots; slot++)
        {
            if (Volatile.Read(ref _slots[slot]) is not { } subscriber)
            {
                continue;
            }

            if (_strict)
            {
                // One confirmed batch at a time per client; what queues meanwhile leaves together when it is confirmed.
                if (!subscriber.Pushing && subscriber.TryDrain(MaxBatch, _silo.SiloAddress, Epoch, out var confirmed, out long upTo))
                {
                    subscriber.Pushing = true;
                    Interlocked.Add(ref _sent, confirmed.Keys.Length);
                    PushStarted();
                    _ = PushConfirmedAsync(slot, subscriber, confirmed, upTo);
                }

                continue;
            }

            // One-way and not waiting for each other: a push stuck behind a gateway that froze or died must not hold
            // back the ones after it (one answered push at a time did: a SIGSTOP fault run served values 544 ms stale).
            // Orleans may deliver them out of order; the client waits for an overtaken push before it serves the
            // partition again (NearPartitionState's holes), and a push that never comes shows in its renewal's count.
            while (subscriber.TryDrain(MaxBatch, _silo.SiloAddress, Epoch, out var batch, out _))
            {
                if (DropFilter?.Invoke(batch) == true)
                {
                    continue;
                }

                Interlocked.Add(ref _sent, batch.Keys.Length);
                PushStarted();
                _ = PushAsync(slot, subscriber, batch);
            }
        }
    }

    private async Task PushAsync(int slot, NearCacheSubscriber subscriber, InvalidationBatch batch)
    {
        try
        {
            await subscriber.Observer.OnInvalidated(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The push did not leave: the client missed invalidations. It is cut off, so its next renewal tells it to drop
            // everything it read from this silo (and its lease runs out meanwhile).
            LogPushFailed(_logger, ex, subscriber.ClientId);
            CutOff(slot, subscriber);
        }
        finally
        {
            PushEnded();
        }
    }

    private async Task PushConfirmedAsync(int slot, NearCacheSubscriber subscriber, InvalidationBatch batch, long upTo)
    {
        try
        {
            if (DropFilter?.Invoke(batch) == true)
            {
                throw new TimeoutException("The push was dropped (test hook): the client never confirms it.");
            }

            await subscriber.Observer.OnInvalidatedConfirmed(batch).WaitAsync(_lease).ConfigureAwait(false);

            subscriber.Confirm(upTo);
            subscriber.Pushing = false;
            Signal();
        }
        catch (Exception ex)
        {
            LogPushFailed(_logger, ex, subscriber.ClientId);
            CutOff(slot, subscriber);
        }
        finally
        {
            PushEnded();
        }
    }

    /// <summary>Frees the client's slot (its next renewal starts afresh, dropping what it holds) and releases writers once its lease ran out.</summary>
    private void CutOff(int slot, NearCacheSubscriber subscriber)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_slots[slot], subscriber))
            {
                Volatile.Write(ref _slots[slot], null);
            }
        }

        _ = subscriber.CutOffAsync();
    }

    private void DropExpiredSubscribers()
    {
        long oldest = _clock.NowMs - (long)_subscriptionTimeout.TotalMilliseconds;
        lock (_gate)
        {
            for (int i = 0; i < MaxSlots; i++)
            {
                if (_slots[i] is { } subscriber && subscriber.RenewedAt < oldest)
                {
                    LogExpired(_logger, subscriber.ClientId, i);
                    Volatile.Write(ref _slots[i], null);
                    _ = subscriber.CutOffAsync();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Near-cache client {ClientId} subscribed in slot {Slot}")]
    private static partial void LogSubscribed(ILogger logger, Guid clientId, int slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Near-cache client {ClientId} not tracked: this silo already tracks {Max} clients; its reads from this silo will not be cached")]
    private static partial void LogFull(ILogger logger, Guid clientId, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Near-cache client {ClientId} (slot {Slot}) did not renew its subscription; dropped")]
    private static partial void LogExpired(ILogger logger, Guid clientId, int slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushing invalidations to near-cache client {ClientId} failed: it is cut off (its next renewal drops what it read from this silo)")]
    private static partial void LogPushFailed(ILogger logger, Exception error, Guid clientId);
}
