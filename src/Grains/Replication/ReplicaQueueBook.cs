using System.Text;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// The <see cref="ReplicationOutbox"/>'s queues: one <see cref="ReplicaQueue"/> per replica silo (each with its pump,
/// started by <c>startPump</c> when the queue is created), the queues of silos that died (kept, holding the watermark
/// back, until the seeds that supersede their items are acknowledged), the sequence numbers, and the watermark with its
/// waiters. Used under the outbox's lock.
/// </summary>
internal sealed class ReplicaQueueBook(Action<ReplicaQueue> startPump)
{
    private readonly Action<ReplicaQueue> _startPump = startPump;
    private readonly Dictionary<SiloAddress, ReplicaQueue> _queues = [];
    private readonly List<ReplicaQueue> _dead = [];
    private readonly PriorityQueue<TaskCompletionSource, long> _waiters = new();
    private long _seq;
    private long _watermark;

    /// <summary>Every item with a sequence number up to this one is acknowledged by its replica (or superseded).</summary>
    public long Watermark => _watermark;

    /// <summary>Items queued or in flight, over all live targets.</summary>
    public int PendingCount
    {
        get
        {
            int pending = 0;
            foreach (var queue in _queues.Values)
            {
                pending += queue.Items.Count + (queue.InFlight?.Count ?? 0);
            }

            return pending;
        }
    }

    /// <summary>A one-line description of the queues (diagnostics and tests).</summary>
    public string Describe()
    {
        var text = new StringBuilder($"seq {_seq}, watermark {_watermark}, waiters {_waiters.Count}");
        foreach (var queue in _queues.Values)
        {
            text.Append($"; {queue.Target}: {queue.Items.Count} queued, {queue.InFlight?.Count ?? 0} in flight, oldest {queue.OldestSequence}");
        }

        foreach (var queue in _dead)
        {
            text.Append($"; dead {queue.Target}: {queue.Items.Count + (queue.InFlight?.Count ?? 0)} pending, superseded by {queue.Superseding}, oldest {queue.OldestSequence}");
        }

        return text.ToString();
    }

    /// <summary>Completes once every item up to <paramref name="sequence"/> is replicated.</summary>
    public Task WhenReplicated(long sequence)
    {
        if (sequence <= _watermark)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue(waiter, sequence);
        return waiter.Task;
    }

    /// <summary>Adds an item to its target's queue (creating the queue and its pump on first use); returns its sequence number.</summary>
    public long Enqueue(SiloAddress target, PendingItem pending)
    {
        if (!_queues.TryGetValue(target, out var queue))
        {
            queue = new ReplicaQueue(target);
            _queues[target] = queue;
            _startPump(queue);
        }

        pending.Sequence = ++_seq;
        pending.Target = target;
        queue.Items.Enqueue(pending);
        queue.Wake();
        return pending.Sequence;
    }

    /// <summary>Queues a seed marker for <paramref name="partition"/>; its snapshot is filled in right after (<see cref="Fill"/>).</summary>
    public PendingItem EnqueueSeed(ReplicatedPartition partition, SiloAddress target, List<SiloAddress> dropAt)
    {
        var seed = new PendingItem(new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = partition.Partition }) { DropAt = dropAt.Count == 0 ? null : dropAt };
        partition.LastSequence = Enqueue(target, seed);

        // The seed carries everything so far: the next change chains to it, not to what came before.
        partition.LastVersion = 0;
        return seed;
    }

    /// <summary>Puts a seed's snapshot in place and lets its queue send it.</summary>
    public void Fill(PendingItem seed, Storage.StoreSnapshot snapshot)
    {
        seed.Item.Seed = snapshot;
        seed.Item.Version = snapshot.Version;
        seed.Filled = true;
        if (_queues.TryGetValue(seed.Target!, out var queue))
        {
            queue.Wake();
        }
    }

    /// <summary>Changes queued or in flight for <paramref name="target"/>.</summary>
    public int Backlog(SiloAddress target) =>
        _queues.TryGetValue(target, out var queue) ? queue.Items.Count + (queue.InFlight?.Count ?? 0) : 0;

    /// <summary>
    /// The batch to ship from <paramref name="queue"/>: the one in flight (unacknowledged), or else the next ready items
    /// (up to about <paramref name="maxBytes"/>); with none, <paramref name="wake"/> completes when there may be. False
    /// once the queue is dead.
    /// </summary>
    public static bool TryTakeBatch(ReplicaQueue queue, int maxBytes, out ReplicaItem[]? batch, out Task? wake)
    {
        batch = null;
        wake = null;
        if (queue.Dead)
        {
            return false;
        }

        queue.InFlight ??= queue.TakeBatch(maxBytes);
        if (queue.InFlight.Count == 0)
        {
            queue.InFlight = null;
            wake = queue.Sleep();
            return true;
        }

        batch = new ReplicaItem[queue.InFlight.Count];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = queue.InFlight[i].Item;
        }

        return true;
    }

    /// <summary>
    /// The queues of silos that are not in <paramref name="members"/> any more: marked dead (their pumps stop) and moved
    /// to the dead queues, where they hold the watermark back until seeds elsewhere supersede their items.
    /// </summary>
    public List<ReplicaQueue> RetireLeft(Func<SiloAddress, bool> members)
    {
        var died = new List<ReplicaQueue>();
        foreach (var queue in _queues.Values)
        {
            if (!members(queue.Target))
            {
                queue.Dead = true;
                queue.Wake();
                died.Add(queue);
            }
        }

        foreach (var queue in died)
        {
            _queues.Remove(queue.Target);
            _dead.Add(queue);
        }

        return died;
    }

    /// <summary>
    /// Forgets dead queues that no pending seed supersedes any more, and moves the watermark to just below the oldest
    /// unacknowledged item; returns the waiters it passed (complete them outside the lock: <see cref="Complete"/>).
    /// </summary>
    public List<TaskCompletionSource>? Settle()
    {
        _dead.RemoveAll(queue => queue.Superseding <= 0);
        long oldest = long.MaxValue;
        foreach (var queue in _queues.Values)
        {
            oldest = Math.Min(oldest, queue.OldestSequence);
        }

        foreach (var queue in _dead)
        {
            oldest = Math.Min(oldest, queue.OldestSequence);
        }

        _watermark = oldest == long.MaxValue ? _seq : oldest - 1;
        List<TaskCompletionSource>? released = null;
        while (_waiters.TryPeek(out _, out long sequence) && sequence <= _watermark)
        {
            (released ??= []).Add(_waiters.Dequeue());
        }

        return released;
    }

    /// <summary>Releases the waiters <see cref="Settle"/> passed.</summary>
    public static void Complete(List<TaskCompletionSource>? released)
    {
        if (released is null)
        {
            return;
        }

        foreach (var waiter in released)
        {
            waiter.TrySetResult();
        }
    }
}
