using Grid.Grains.Storage;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Broadcast;

/// <summary>
/// The silo side of broadcast tracking (Redis's <c>CLIENT TRACKING ON BCAST PREFIX ...</c>): hears every change of
/// every store of this silo and queues the keys that match a subscriber's prefixes; a pump pushes each subscriber's
/// queue to its observer in batches. With no subscriber a change costs one array length check. Unlike the near-cache
/// hub nothing is tracked per read: a subscriber hears every change under its prefixes. A push that fails, a queue
/// that overflows or a subscription not renewed within <see cref="SubscriptionTimeout"/> drops the subscriber; it
/// learns so from the new incarnation its next renewal gets.
/// </summary>
internal sealed partial class KeyBroadcastHub(ILocalSiloDetails silo, ILogger<KeyBroadcastHub> log) : IStoreChangeListener
{
    /// <summary>Subscribers a silo serves at once.</summary>
    public const int MaxSubscribers = 1024;

    /// <summary>A subscriber that does not renew within this is dropped (renewals come every few seconds).</summary>
    public static readonly TimeSpan SubscriptionTimeout = TimeSpan.FromSeconds(30);

    private const int MaxBatch = 4096;

    private readonly Lock _gate = new();
    private readonly long _epoch = Environment.TickCount64 ^ ((long)Random.Shared.Next() << 32);
    private KeyBroadcastSubscriber[] _subscribers = [];
    private int _scheduled;

    /// <summary>Subscribers now.</summary>
    public int Count => Volatile.Read(ref _subscribers).Length;

    /// <summary>Subscribes or renews; returns the subscription's incarnation (see <see cref="IKeyBroadcastGrain.Subscribe"/>).</summary>
    public long Subscribe(Guid id, IInvalidationObserver observer, byte[][] prefixes)
    {
        long now = Environment.TickCount64;
        lock (_gate)
        {
            DropExpired(now);
            foreach (var existing in _subscribers)
            {
                if (existing.Id == id)
                {
                    existing.Observer = observer;
                    existing.Prefixes = prefixes;
                    existing.RenewedAt = now;
                    return existing.Incarnation;
                }
            }

            if (_subscribers.Length >= MaxSubscribers)
            {
                throw new GridBusyException($"This silo already serves {MaxSubscribers} broadcast tracking subscribers.");
            }

            var subscriber = new KeyBroadcastSubscriber(id, _epoch ^ Random.Shared.NextInt64()) { Observer = observer, Prefixes = prefixes, RenewedAt = now };
            Volatile.Write(ref _subscribers, [.. _subscribers, subscriber]);
            return subscriber.Incarnation;
        }
    }

    /// <summary>Ends a subscription.</summary>
    public void Unsubscribe(Guid id)
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, s => s.Id != id));
        }
    }

    /// <summary>Under a store's lock: queues the changed key for each subscriber whose prefixes match it.</summary>
    public void OnChanged(in StoreChange change)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0 || change.Kind is not (StoreChangeKind.Written or StoreChangeKind.Removed))
        {
            return;
        }

        byte[]? key = null;
        foreach (var subscriber in subscribers)
        {
            if (subscriber.Matches(change.Key))
            {
                key ??= change.Key.ToArray();
                subscriber.Enqueue(change.Partition, key, change.Version);
            }
        }

        if (key is not null && Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            // Off the store's lock: the pump runs on the thread pool.
            ThreadPool.UnsafeQueueUserWorkItem(static hub => hub.PushAll(), this, preferLocal: false);
        }
    }

    private void PushAll()
    {
        Volatile.Write(ref _scheduled, 0);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber.Overflowed)
            {
                LogDropped(log, subscriber.Id, "its queue overflowed");
                Remove(subscriber);
                continue;
            }

            while (subscriber.TryDrain(MaxBatch, silo.SiloAddress, _epoch, out var batch))
            {
                _ = PushAsync(subscriber, batch);
            }
        }
    }

    private async Task PushAsync(KeyBroadcastSubscriber subscriber, InvalidationBatch batch)
    {
        try
        {
            await subscriber.Observer!.OnInvalidated(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The subscriber missed changes: it is dropped, and its next renewal tells it so (a new incarnation).
            LogPushFailed(log, ex, subscriber.Id);
            Remove(subscriber);
        }
    }

    private void Remove(KeyBroadcastSubscriber subscriber)
    {
        lock (_gate)
        {
            Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscriber)));
        }
    }

    /// <summary>Under the gate: drops subscribers that stopped renewing.</summary>
    private void DropExpired(long now)
    {
        long oldest = now - (long)SubscriptionTimeout.TotalMilliseconds;
        if (Array.Exists(_subscribers, s => s.RenewedAt < oldest))
        {
            Volatile.Write(ref _subscribers, Array.FindAll(_subscribers, s => s.RenewedAt >= oldest));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Broadcast tracking subscriber {Id} dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, Guid id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushing key changes to broadcast tracking subscriber {Id} failed: it is dropped (its next renewal learns it missed changes)")]
    private static partial void LogPushFailed(ILogger logger, Exception error, Guid id);
}
