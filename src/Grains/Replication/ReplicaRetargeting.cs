using Grid.Grains.Cluster;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// The <see cref="ReplicationOutbox"/>'s answer to a membership change: partitions whose replica silo changed get a seed
/// for the new one (and the old one, if still a member, drops its copy once the seed is acknowledged); the queues of
/// silos that died are superseded by fresh seeds of the partitions they held items of, so a writer waiting on those
/// items is released only once a live replica holds its change. Used under the outbox's lock.
/// </summary>
internal sealed partial class ReplicaRetargeting(ReplicaQueueBook book, ReplicatedPartition?[] attached, ILogger logger)
{
    private readonly ReplicaQueueBook _book = book;
    private readonly ReplicatedPartition?[] _attached = attached;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Re-targets every attached partition for <paramref name="view"/> and supersedes what was queued for silos that left.
    /// Returns the seeds queued, to fill (outside the lock) with their partition's snapshot.
    /// </summary>
    public List<(PendingItem Seed, ReplicatedPartition Partition)> Retarget(ClusterView.Snapshot view, SiloAddress local)
    {
        // Queues of silos that left: their unacknowledged items must be covered by fresh seeds elsewhere.
        Dictionary<int, List<ReplicaQueue>>? deadByPartition = null;
        Dictionary<int, List<ReplicaQueue>>? inheritedLinks = null;
        foreach (var queue in _book.RetireLeft(view.Contains))
        {
            // Items a store queues after this (its partition not re-targeted yet) are linked below, by the partition's queue.
            List<PendingItem> pendingItems;
            lock (queue.Gate)
            {
                pendingItems = [.. queue.AllPending()];
            }

            LogTargetLost(_logger, queue.Target, pendingItems.Count);
            foreach (var pending in pendingItems)
            {
                int partition = pending.Item.Partition;
                deadByPartition ??= [];
                if (!deadByPartition.TryGetValue(partition, out var queues))
                {
                    deadByPartition[partition] = queues = [];
                }

                if (!queues.Contains(queue))
                {
                    queues.Add(queue);
                }

                if (pending.Releases is { } links)
                {
                    // A seed that died with its queue: whoever it was to release, the next seed releases.
                    inheritedLinks ??= [];
                    if (!inheritedLinks.TryGetValue(partition, out var inherited))
                    {
                        inheritedLinks[partition] = inherited = [];
                    }

                    inherited.AddRange(links);
                    pending.Releases = null;
                }
            }
        }

        var seeds = new List<(PendingItem Seed, ReplicatedPartition Partition)>();
        for (int partition = 0; partition < _attached.Length; partition++)
        {
            if (_attached[partition] is not { } attached)
            {
                continue;
            }

            lock (attached.Gate)
            {
                var seed = Retarget(attached, view, local, deadByPartition, inheritedLinks);
                if (seed is not null)
                {
                    seeds.Add((seed, attached));
                }
            }
        }

        // Links nobody inherited (the partition left, or no silo is left to replicate to) release now.
        if (inheritedLinks is not null)
        {
            foreach (var links in inheritedLinks.Values)
            {
                foreach (var queue in links)
                {
                    queue.Superseding--;
                }
            }
        }

        return seeds;
    }

    /// <summary>Re-targets one partition (under its gate); returns the seed queued for its new target, if any.</summary>
    private PendingItem? Retarget(
        ReplicatedPartition attached,
        ClusterView.Snapshot view,
        SiloAddress local,
        Dictionary<int, List<ReplicaQueue>>? deadByPartition,
        Dictionary<int, List<ReplicaQueue>>? inheritedLinks)
    {
        int partition = attached.Partition;
        var target = view.ReplicaTarget(partition, local);
        List<ReplicaQueue>? deadQueues = null;
        deadByPartition?.TryGetValue(partition, out deadQueues);
        if (attached.Queue is { } current && !ReplicationOutbox.IsLive(current) && (deadQueues is null || !deadQueues.Contains(current)))
        {
            // The partition's queue died after its items were collected: changes queued since are superseded too.
            deadQueues = [.. deadQueues ?? [], current];
        }

        if (Equals(target, attached.Target) && deadQueues is null)
        {
            return null;
        }

        var previous = attached.Target;
        attached.Target = target;
        if (target is null)
        {
            attached.Queue = null;
            return null;
        }

        var drops = new List<SiloAddress>();
        if (previous is not null && !previous.Equals(target) && view.Contains(previous))
        {
            drops.Add(previous);
        }

        var seed = _book.EnqueueSeed(attached, target, drops);
        if (deadQueues is not null)
        {
            seed.Releases = [.. deadQueues];
            foreach (var queue in deadQueues)
            {
                queue.Superseding++;
            }
        }

        if (inheritedLinks is not null && inheritedLinks.Remove(partition, out var more))
        {
            (seed.Releases ??= []).AddRange(more);
        }

        return seed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica silo {Silo} left the cluster with {Pending} item(s) unacknowledged; affected partitions re-seed their replica elsewhere")]
    private static partial void LogTargetLost(ILogger logger, SiloAddress silo, int pending);
}
