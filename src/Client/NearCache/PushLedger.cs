namespace Grid.Client.NearCache;

/// <summary>
/// Counts the invalidations this client received from one silo against what the silo says it queued, to notice pushes
/// that were lost or are stuck (a push travels through a gateway, which may have died or frozen while the silo itself
/// still answers renewals). Each renewal reports the silo's count; by the next renewal, a third of a lease later, every
/// invalidation queued before the previous answer must have arrived, or the client stops serving what it read from the
/// silo (its lease lapses); if they never come, it drops all of it and counts afresh.
/// </summary>
internal sealed class PushLedger
{
    /// <summary>Renewals in a row that may find pushes missing before they are given up as lost.</summary>
    public const int MaxBehindRounds = 2;

    private long _received;

    /// <summary>Invalidations received from the silo (any subscription).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>The silo's count at the previous renewal: by now all of them should have arrived.</summary>
    public long Expected { get; private set; }

    /// <summary>Subtracted from the silo's counts (pushes of earlier subscriptions, or lost ones given up).</summary>
    public long Offset { get; private set; }

    /// <summary>Renewals in a row that found pushes missing.</summary>
    public int BehindRounds { get; private set; }

    /// <summary>Counts pushed invalidations as they arrive.</summary>
    public void OnReceived(int count) => Interlocked.Add(ref _received, count);

    /// <summary>Whether invalidations the silo queued before the previous renewal have not all arrived.</summary>
    public bool IsBehind => Received + Offset < Expected;

    /// <summary>Starts counting afresh from the silo's count now (a new subscription, or pushes given up as lost).</summary>
    public void Rebase(long enqueued)
    {
        Offset = enqueued - Received;
        Expected = enqueued;
        BehindRounds = 0;
    }

    /// <summary>A renewal found the ledger in step: the silo's count now is what must have arrived by the next one.</summary>
    public void InStep(long enqueued)
    {
        Expected = Math.Max(Expected, enqueued);
        BehindRounds = 0;
    }

    /// <summary>A renewal found pushes missing; true once that happened too many times in a row to keep waiting.</summary>
    public bool Behind() => ++BehindRounds >= MaxBehindRounds;
}
