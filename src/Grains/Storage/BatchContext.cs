namespace Grid.Grains.Storage;

/// <summary>
/// What one caller's store operations (a client batch, a partition call, a pattern scan) oblige it to wait for before it
/// answers. A store holds the caller's context for the length of one locked operation and hands it to its change
/// listeners with every change it reports, so any kind of change (a write, a delete, a tag or pattern invalidation, an
/// expiry met on access, an eviction the batch caused) can add what must happen first. Used by one caller at a time
/// (a batch runs its operations one after the other), so it needs no locking.
/// </summary>
internal sealed class BatchContext
{
    /// <summary>The highest replication sequence number the caller must see acknowledged before answering (0: none).</summary>
    public long ReplicationFence { get; private set; }

    /// <summary>Whose request ids the batch's writes carry (none: <see cref="RequestOrigin.Client"/> 0).</summary>
    public Grid.Protocol.Wire.RequestOrigin Origin { get; init; }

    /// <summary>
    /// Partitions where a write sent again was answered from the partition's memory: before answering, the caller waits
    /// until what that partition already queued for its replica is replicated (the first run may still be on its way).
    /// </summary>
    public List<int>? ReplayedPartitions { get; private set; }

    /// <summary>Notes that a write of <paramref name="partition"/> was answered again instead of run.</summary>
    public void Replayed(int partition)
    {
        ReplayedPartitions ??= [];
        if (!ReplayedPartitions.Contains(partition))
        {
            ReplayedPartitions.Add(partition);
        }
    }

    /// <summary>Near-cache clients that must confirm dropping copies before the caller answers (strict coherence), with the position to confirm.</summary>
    public List<(IConfirmation Client, long Position)>? InvalidationFences { get; private set; }

    /// <summary>Requires the caller to wait until <paramref name="client"/> confirmed everything up to <paramref name="position"/>.</summary>
    public void RequireConfirmed(IConfirmation client, long position)
    {
        var fences = InvalidationFences ??= [];
        for (int i = 0; i < fences.Count; i++)
        {
            if (ReferenceEquals(fences[i].Client, client))
            {
                if (position > fences[i].Position)
                {
                    fences[i] = (client, position);
                }

                return;
            }
        }

        fences.Add((client, position));
    }

    /// <summary>Requires the caller to wait until replication passes <paramref name="sequence"/>.</summary>
    public void RequireReplicated(long sequence)
    {
        if (sequence > ReplicationFence)
        {
            ReplicationFence = sequence;
        }
    }
}
