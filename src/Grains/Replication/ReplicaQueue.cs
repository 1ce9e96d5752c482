using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>An item waiting to reach its replica, with what to do once it has.</summary>
internal sealed class PendingItem(ReplicaItem item)
{
    public ReplicaItem Item { get; } = item;

    public long Sequence { get; set; }

    /// <summary>The queue it was added to.</summary>
    public ReplicaQueue? Queue { get; set; }

    /// <summary>A seed is only sent once its snapshot is filled in.</summary>
    public bool Filled { get; set; }

    /// <summary>Seed: silos to tell to drop their older replica once this seed is acknowledged.</summary>
    public List<SiloAddress>? DropAt { get; set; }

    /// <summary>Seed: dead queues whose items this seed supersedes.</summary>
    public List<ReplicaQueue>? Releases { get; set; }

    /// <summary>
    /// A seed sent again because the replica could not follow a delta: the sequence number of the first item of the
    /// batch it answers (0: none). Until it is acknowledged the watermark stays below that.
    /// </summary>
    public long HoldFrom { get; set; }

    public bool Ready => Item.Kind != ReplicaItemKind.Seed || Filled;
}

/// <summary>
/// The items for one replica silo, in sequence order; one batch at a time is in flight. Its items, batch in flight,
/// holds and <see cref="Dead"/> flag are used under its <see cref="Gate"/> (which is held only for those few steps, never
/// around anything slow); <see cref="Superseding"/> under the outbox's lock.
/// </summary>
internal sealed class ReplicaQueue(SiloAddress target)
{
    private TaskCompletionSource? _sleeping;

    /// <summary>Guards this queue's state; taken under a store's lock (a change being queued), never the other way round.</summary>
    public Lock Gate { get; } = new();

    public SiloAddress Target { get; } = target;

    public Queue<PendingItem> Items { get; } = new();

    public List<PendingItem>? InFlight { get; set; }

    /// <summary>The silo left the cluster: nothing more is sent.</summary>
    public bool Dead { get; set; }

    /// <summary>Dead queue: pending seeds elsewhere that supersede its items.</summary>
    public int Superseding { get; set; }

    /// <summary>Seeds sent again (<see cref="PendingItem.HoldFrom"/>) not yet acknowledged.</summary>
    public List<PendingItem>? Holds { get; set; }

    /// <summary>The sequence number of the oldest item not yet acknowledged (or held back by a seed sent again), or <see cref="long.MaxValue"/>.</summary>
    public long OldestSequence
    {
        get
        {
            long oldest = InFlight is { Count: > 0 } inFlight ? inFlight[0].Sequence : Items.TryPeek(out var next) ? next.Sequence : long.MaxValue;
            if (Holds is { } holds)
            {
                foreach (var hold in holds)
                {
                    oldest = Math.Min(oldest, hold.HoldFrom);
                }
            }

            return oldest;
        }
    }

    public IEnumerable<PendingItem> AllPending()
    {
        if (InFlight is { } inFlight)
        {
            foreach (var pending in inFlight)
            {
                yield return pending;
            }
        }

        foreach (var pending in Items)
        {
            yield return pending;
        }
    }

    /// <summary>Takes the next batch: ready items in order, up to about <paramref name="maxBytes"/> (a first large seed goes alone).</summary>
    public List<PendingItem> TakeBatch(int maxBytes)
    {
        var batch = new List<PendingItem>();
        long bytes = 0;
        while (Items.TryPeek(out var next) && next.Ready)
        {
            bytes += next.Item.EstimatedBytes;
            if (batch.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            batch.Add(Items.Dequeue());
        }

        return batch;
    }

    /// <summary>Returns a task that completes at the next <see cref="Wake"/>.</summary>
    public Task Sleep()
    {
        _sleeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _sleeping.Task;
    }

    public void Wake()
    {
        if (_sleeping is { } sleeping)
        {
            _sleeping = null;
            sleeping.TrySetResult();
        }
    }
}
