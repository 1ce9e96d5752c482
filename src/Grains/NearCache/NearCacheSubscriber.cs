using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Grains.NearCache;

/// <summary>
/// One client subscribed to this silo's near-cache pushes: its observer, its per-partition invalidation sequence
/// numbers, the queue of invalidations still to push, its lease, and (strict coherence) how far it confirmed.
/// Invalidations are numbered and queued under one lock, so "confirmed up to N" always covers exactly the first N.
/// </summary>
internal sealed class NearCacheSubscriber(Guid clientId, IInvalidationObserver observer, int partitions) : Storage.IConfirmation
{
    private readonly Lock _gate = new();
    private readonly Queue<(int Partition, long Sequence, byte[]? Key, long Version)> _queue = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waiters = new();
    private long _enqueued;
    private long _confirmed;
    private bool _cutOff;

    public Guid ClientId { get; } = clientId;

    public IInvalidationObserver Observer { get; set; } = observer;

    /// <summary>When the client last renewed (the grid clock, for the subscription timeout).</summary>
    public long RenewedAt { get; set; }

    /// <summary>Until when (<see cref="Environment.TickCount64"/> ms) the client may serve what it read from this silo.</summary>
    public long LeaseUntil { get; set; }

    private volatile bool _pushing;

    /// <summary>A confirmed push is under way (strict coherence pushes one batch at a time).</summary>
    public bool Pushing
    {
        get => _pushing;
        set => _pushing = value;
    }

    public long[] Sequences { get; } = new long[partitions];

    /// <summary>How many invalidations were queued for this client so far.</summary>
    public long Enqueued
    {
        get
        {
            lock (_gate)
            {
                return _enqueued;
            }
        }
    }

    /// <summary>Numbers and queues an invalidation (called under the partition's store lock, so per partition in order); returns its position.</summary>
    public long Enqueue(int partition, byte[]? key, long version)
    {
        lock (_gate)
        {
            _queue.Enqueue((partition, Interlocked.Increment(ref Sequences[partition]), key, version));
            return ++_enqueued;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> queued invalidations as one batch; <paramref name="upTo"/> is the position of its last one.</summary>
    public bool TryDrain(int max, SiloAddress silo, long epoch, out InvalidationBatch batch, out long upTo)
    {
        lock (_gate)
        {
            int count = Math.Min(max, _queue.Count);
            if (count == 0)
            {
                batch = null!;
                upTo = _enqueued;
                return false;
            }

            var partitions = new int[count];
            var sequences = new long[count];
            var keys = new byte[]?[count];
            var versions = new long[count];
            for (int n = 0; n < count; n++)
            {
                (partitions[n], sequences[n], keys[n], versions[n]) = _queue.Dequeue();
            }

            batch = new InvalidationBatch(silo, epoch, partitions, sequences, keys, versions);
            upTo = _enqueued - _queue.Count;
            return true;
        }
    }

    /// <summary>The client applied everything up to <paramref name="upTo"/>: writers waiting on it may answer.</summary>
    public void Confirm(long upTo)
    {
        List<TaskCompletionSource>? released = null;
        lock (_gate)
        {
            _confirmed = Math.Max(_confirmed, upTo);
            while (_waiters.TryPeek(out _, out long position) && position <= _confirmed)
            {
                (released ??= []).Add(_waiters.Dequeue());
            }
        }

        Release(released);
    }

    /// <summary>
    /// The client did not confirm (unreachable, too slow): it is cut off. Its lease ends at <see cref="LeaseUntil"/>; after
    /// that it serves nothing it read from this silo, so writers waiting on it answer then.
    /// </summary>
    public async Task CutOffAsync()
    {
        List<TaskCompletionSource>? released = null;
        lock (_gate)
        {
            _cutOff = true;
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                (released ??= []).Add(waiter);
            }
        }

        long wait = LeaseUntil - Environment.TickCount64;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait + 1)).ConfigureAwait(false);
        }

        Release(released);
    }

    /// <summary>Completes once the client confirmed everything up to <paramref name="position"/> (or was cut off and its lease ran out).</summary>
    public Task WhenConfirmed(long position)
    {
        lock (_gate)
        {
            if (position <= _confirmed)
            {
                return Task.CompletedTask;
            }

            if (_cutOff)
            {
                long wait = LeaseUntil - Environment.TickCount64;
                return wait > 0 ? Task.Delay(TimeSpan.FromMilliseconds(wait + 1)) : Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter, position);
            return waiter.Task;
        }
    }

    private static void Release(List<TaskCompletionSource>? released)
    {
        if (released is not null)
        {
            foreach (var waiter in released)
            {
                waiter.TrySetResult();
            }
        }
    }
}
