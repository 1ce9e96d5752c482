using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Grains.Broadcast;

/// <summary>
/// One subscriber of the silo's key-change broadcast: its prefixes, observer and the queue of changed keys still to push.
/// The queue is bounded: a subscriber that falls that far behind is dropped (its next renewal gets a new incarnation,
/// so it knows it missed changes) rather than holding the silo's memory.
/// </summary>
internal sealed class KeyBroadcastSubscriber(Guid id, long incarnation)
{
    /// <summary>Most keys queued for one subscriber before it is dropped.</summary>
    public const int MaxQueued = 100_000;

    private readonly Lock _gate = new();
    private readonly Queue<(int Partition, byte[] Key, long Version)> _queue = new();
    private volatile byte[][] _prefixes = [];

    public Guid Id { get; } = id;

    /// <summary>Identifies this subscription (a renewal of a dropped one gets another).</summary>
    public long Incarnation { get; } = incarnation;

    public IInvalidationObserver? Observer { get; set; }

    /// <summary>When it last renewed (<see cref="Environment.TickCount64"/> ms).</summary>
    public long RenewedAt { get; set; }

    /// <summary>Its queue overflowed: it is dropped at the next push.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The key prefixes it hears (an empty one matches every key).</summary>
    public byte[][] Prefixes
    {
        get => _prefixes;
        set => _prefixes = value;
    }

    /// <summary>Whether <paramref name="key"/> starts with one of its prefixes (called under a store's lock: no allocation).</summary>
    public bool Matches(ReadOnlySpan<byte> key)
    {
        foreach (var prefix in _prefixes)
        {
            if (key.StartsWith(prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Queues a changed key.</summary>
    public void Enqueue(int partition, byte[] key, long version)
    {
        lock (_gate)
        {
            if (_queue.Count >= MaxQueued)
            {
                Overflowed = true;
                _queue.Clear();
                return;
            }

            _queue.Enqueue((partition, key, version));
        }
    }

    /// <summary>Takes up to <paramref name="max"/> queued keys as one batch; false when none are queued.</summary>
    public bool TryDrain(int max, SiloAddress silo, long epoch, out InvalidationBatch batch)
    {
        lock (_gate)
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
            for (int n = 0; n < count; n++)
            {
                (partitions[n], keys[n], versions[n]) = _queue.Dequeue();
            }

            batch = new InvalidationBatch(silo, epoch, partitions, sequences, keys, versions);
            return true;
        }
    }
}
