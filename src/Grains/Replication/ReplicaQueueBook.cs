using System.Text;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// The <see cref="ReplicationOutbox"/>'s queues: one <see cref="ReplicaQueue"/> per replica silo (each with its pump,
/// started by <c>startPump</c> when the queue is created), the queues of silos that died (kept, holding the watermark
/// back, until the seeds that supersede their items are acknowledged), the sequence numbers, and the watermark with its
/// waiters. Used under the outbox's lock, except <see cref="Enqueue(ReplicaQueue, PendingItem)"/>,
/// <see cref="Backlog"/> and <see cref="TryTakeBatch"/>, which take only their queue's <see cref="ReplicaQueue.Gate"/>
/// (a store's change is queued under its partition's lock: no lock shared by all partitions is taken there).
/// </summary>
/// <remarks>
/// A sequence number is drawn (<see cref="Interlocked"/>) and its item queued under the queue's gate, and
/// <see cref="Settle"/> reads the last number drawn before it looks at the queues, each under its gate: an item numbered
/// up to that reading is either in its queue by then or still being queued, and then the gate makes Settle wait for it.
/// So the watermark never passes an item that is not acknowledged.
/// </remarks>
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
                lock (queue.Gate)
                {
                    pending += queue.Items.Count + (queue.InFlight?.Count ?? 0);
                }
            }

            return pending;
        }
    }

    /// <summary>A one-line description of the queues (diagnostics and tests).</summary>
    public string Describe()
    {
        var text = new StringBuilder($"seq {Interlocked.Read(ref _seq)}, watermark {_watermark}, waiters {_waiters.Count}");
        foreach (var queue in _queues.Values)
        {
            lock (queue.Gate)
            {
                text.Append($"; {queue.Target}: {queue.Items.Count} queued, {queue.InFlight?.Count ?? 0} in flight, oldest {queue.OldestSequence}");
            }
        }

        foreach (var queue in _dead)
        {
            lock (queue.Gate)
            {
                text.Append($"; dead {queue.Target}: {queue.Items.Count + (queue.InFlight?.Count ?? 0)} pending, superseded by {queue.Superseding}, oldest {queue.OldestSequence}");
            }
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

    /// <summary>The live queue of <paramref name="target"/>, created (with its pump) on first use.</summary>
    public ReplicaQueue QueueOf(SiloAddress target)
    {
        if (!_queues.TryGetValue(target, out var queue))
        {
            queue = new ReplicaQueue(target);
            _queues[target] = queue;
            _startPump(queue);
        }

        return queue;
    }

    /// <summary>Adds an item to its target's queue (creating the queue and its pump on first use); returns its sequence number.</summary>
    public long Enqueue(SiloAddress target, PendingItem pending) => Enqueue(QueueOf(target), pending);

    /// <summary>Adds an item to <paramref name="queue"/> under its gate only; returns its sequence number.</summary>
    public long Enqueue(ReplicaQueue queue, PendingItem pending)
    {
        lock (queue.Gate)
        {
            pending.Sequence = Interlocked.Increment(ref _seq);
            pending.Queue = queue;
            queue.Items.Enqueue(pending);
            queue.Wake();
            return pending.Sequence;
        }
    }

    /// <summary>
    /// Queues a seed marker for <paramref name="partition"/> (under its gate) and makes <paramref name="target"/> its
    /// target; its snapshot is filled in right after (<see cref="Fill"/>).
    /// </summary>
    public PendingItem EnqueueSeed(ReplicatedPartition partition, SiloAddress target, List<SiloAddress> dropAt)
    {
        var seed = new PendingItem(new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = partition.Partition }) { DropAt = dropAt.Count == 0 ? null : dropAt };
        var queue = QueueOf(target);
        partition.Target = target;
        partition.Queue = queue;
        partition.LastSequence = Enqueue(queue, seed);

        // The seed carries everything so far: the next change chains to it, not to what came before.
        partition.LastVersion = 0;
        return seed;
    }

    /// <summary>Puts a seed's snapshot in place and lets its queue send it.</summary>
    public static void Fill(PendingItem seed, Storage.StoreSnapshot snapshot)
    {
        var queue = seed.Queue!;
        lock (queue.Gate)
        {
            seed.Item.Seed = snapshot;
            seed.Item.Version = snapshot.Version;
            seed.Filled = true;
            queue.Wake();
        }
    }

    /// <summary>Changes queued or in flight for <paramref name="queue"/> (takes its gate).</summary>
    public static int Backlog(ReplicaQueue queue)
    {
        lock (queue.Gate)
        {
            return queue.Items.Count + (queue.InFlight?.Count ?? 0);
        }
    }

    /// <summary>
    /// The batch to ship from <paramref name="queue"/> (under its gate only): the one in flight (unacknowledged), or else
    /// the next ready items (up to about <paramref name="maxBytes"/>); with none, <paramref name="wake"/> completes when
    /// there may be. False once the queue is dead.
    /// </summary>
    public static bool TryTakeBatch(ReplicaQueue queue, int maxBytes, out ReplicaItem[]? batch, out Task? wake)
    {
        lock (queue.Gate)
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
                lock (queue.Gate)
                {
                    queue.Dead = true;
                    queue.Wake();
                }

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

        // The last number drawn is read before the queues are (see the remarks on this class).
        long drawn = Interlocked.Read(ref _seq);
        long oldest = long.MaxValue;
        foreach (var queue in _queues.Values)
        {
            lock (queue.Gate)
            {
                oldest = Math.Min(oldest, queue.OldestSequence);
            }
        }

        foreach (var queue in _dead)
        {
            lock (queue.Gate)
            {
                oldest = Math.Min(oldest, queue.OldestSequence);
            }
        }

        _watermark = Math.Max(_watermark, Math.Min(drawn, oldest == long.MaxValue ? drawn : oldest - 1));
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
