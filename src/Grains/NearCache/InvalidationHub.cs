using System.Collections.Concurrent;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Grid.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.NearCache;

/// <summary>
/// The silo side of near-cache coherence (like Redis client-side caching in tracking mode): subscribed clients get a
/// slot; stores remember, per key, which slots read it (<see cref="IReadTracker"/>); when a tracked key changes, the
/// hub queues an invalidation for exactly those clients, numbered per client and partition, and a pump pushes the
/// queues to the clients' observers in batches. Tracking of a key ends with its change; a client re-reads to re-track.
/// </summary>
internal sealed partial class InvalidationHub : BackgroundService, IStoreChangeListener, IReadTracker
{
    /// <summary>Clients a silo tracks at once (one bit each in the stores' tracking tables).</summary>
    public const int MaxSlots = 64;

    private const int MaxBatch = 4096;

    private readonly Subscriber?[] _slots = new Subscriber?[MaxSlots];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ILocalSiloDetails _silo;
    private readonly GridClock _clock;
    private readonly ILogger<InvalidationHub> _logger;
    private readonly int _partitionCount;
    private readonly long _maxTrackedKeys;
    private readonly TimeSpan _subscriptionTimeout;
    private long _tracked;
    private int _pending;

    public InvalidationHub(IOptions<GridSiloOptions> options, ILocalSiloDetails silo, GridClock clock, ILogger<InvalidationHub> logger)
    {
        _silo = silo;
        _clock = clock;
        _logger = logger;
        _partitionCount = options.Value.PartitionCount;
        _maxTrackedKeys = options.Value.NearCache.MaxTrackedKeys;
        _subscriptionTimeout = options.Value.NearCache.SubscriptionTimeout;
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
                    return new NearCacheSubscription(i, Epoch, Renewed: true);
                }
            }

            if (free < 0)
            {
                LogFull(_logger, clientId, MaxSlots);
                return new NearCacheSubscription(-1, Epoch, Renewed: false);
            }

            Volatile.Write(ref _slots[free], new Subscriber(clientId, observer, _partitionCount) { RenewedAt = now });
            LogSubscribed(_logger, clientId, free);
            return new NearCacheSubscription(free, Epoch, Renewed: false);
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
        while (bits != 0)
        {
            int slot = System.Numerics.BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            if (Volatile.Read(ref _slots[slot]) is { } subscriber)
            {
                key ??= change.Key.ToArray();
                subscriber.Enqueue(change.Partition, key, change.Version);
            }
        }

        Signal();
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

    public void OnTrackingDropped(int partition, int trackedKeys)
    {
        Release(trackedKeys);
        foreach (var subscriber in _slots)
        {
            subscriber?.Enqueue(partition, null, 0);
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
            // Silo stopping.
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

            while (subscriber.TryDrain(MaxBatch, _silo.SiloAddress, Epoch, out var batch))
            {
                if (DropFilter?.Invoke(batch) == true)
                {
                    continue;
                }

                Interlocked.Add(ref _sent, batch.Keys.Length);
                _ = PushAsync(subscriber, batch);
            }
        }
    }

    private async Task PushAsync(Subscriber subscriber, InvalidationBatch batch)
    {
        try
        {
            await subscriber.Observer.OnInvalidated(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The client is gone or unreachable: it clears its near cache when it loses the connection, and its next
            // subscription renewal sees what it missed through the sequence numbers.
            LogPushFailed(_logger, ex, subscriber.ClientId);
        }
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
                }
            }
        }
    }

    /// <summary>A subscribed client: its observer, its per-partition sequence numbers and its queue of invalidations.</summary>
    private sealed class Subscriber(Guid clientId, IInvalidationObserver observer, int partitions)
    {
        private readonly ConcurrentQueue<(int Partition, long Sequence, byte[]? Key, long Version)> _queue = new();

        public Guid ClientId { get; } = clientId;

        public IInvalidationObserver Observer { get; set; } = observer;

        public long RenewedAt { get; set; }

        public long[] Sequences { get; } = new long[partitions];

        /// <summary>Numbers and queues an invalidation; called under the partition's store lock, so per partition in order.</summary>
        public void Enqueue(int partition, byte[]? key, long version) =>
            _queue.Enqueue((partition, Interlocked.Increment(ref Sequences[partition]), key, version));

        public bool TryDrain(int max, SiloAddress silo, long epoch, out InvalidationBatch batch)
        {
            int count = Math.Min(max, _queue.Count);
            if (count == 0)
            {
                batch = null!;
                return false;
            }

            var partitions = new int[count];
            var sequences = new long[count];
            var keys = new byte[]?[count];
            var versions = new long[count];
            int n = 0;
            while (n < count && _queue.TryDequeue(out var item))
            {
                (partitions[n], sequences[n], keys[n], versions[n]) = item;
                n++;
            }

            batch = n == count
                ? new InvalidationBatch(silo, epoch, partitions, sequences, keys, versions)
                : new InvalidationBatch(silo, epoch, partitions[..n], sequences[..n], keys[..n], versions[..n]);
            return n > 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Near-cache client {ClientId} subscribed in slot {Slot}")]
    private static partial void LogSubscribed(ILogger logger, Guid clientId, int slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Near-cache client {ClientId} not tracked: this silo already tracks {Max} clients; its reads from this silo will not be cached")]
    private static partial void LogFull(ILogger logger, Guid clientId, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Near-cache client {ClientId} (slot {Slot}) did not renew its subscription; dropped")]
    private static partial void LogExpired(ILogger logger, Guid clientId, int slot);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pushing invalidations to near-cache client {ClientId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception error, Guid clientId);
}
