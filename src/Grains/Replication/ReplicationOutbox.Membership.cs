using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

internal sealed partial class ReplicationOutbox
{
    /// <summary>Re-targets partitions after a membership change, and supersedes what was queued for silos that died.</summary>
    private void OnViewChanged()
    {
        var seeds = new List<(PendingItem Seed, PartitionStore Store)>();
        List<TaskCompletionSource>? released;
        lock (_lock)
        {
            var view = _view.Current;

            // Queues of silos that left: their unacknowledged items must be covered by fresh seeds elsewhere.
            Dictionary<int, List<ReplicaQueue>>? deadByPartition = null;
            Dictionary<int, List<ReplicaQueue>>? inheritedLinks = null;
            var died = new List<ReplicaQueue>();
            foreach (var queue in _queues.Values)
            {
                if (view.Contains(queue.Target))
                {
                    continue;
                }

                queue.Dead = true;
                queue.Wake();
                died.Add(queue);
                LogTargetLost(_logger, queue.Target, queue.Items.Count + (queue.InFlight?.Count ?? 0));
                foreach (var pending in queue.AllPending())
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

            for (int partition = 0; partition < _attached.Length; partition++)
            {
                if (_attached[partition] is not { } attached)
                {
                    continue;
                }

                var target = view.ReplicaTarget(partition, _view.Local);
                List<ReplicaQueue>? deadQueues = null;
                deadByPartition?.TryGetValue(partition, out deadQueues);
                if (Equals(target, attached.Target) && deadQueues is null)
                {
                    continue;
                }

                var previous = attached.Target;
                attached.Target = target;
                if (target is null)
                {
                    continue;
                }

                var drops = new List<SiloAddress>();
                if (previous is not null && !previous.Equals(target) && view.Contains(previous))
                {
                    drops.Add(previous);
                }

                var seed = EnqueueSeed(partition, target, drops);
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

                seeds.Add((seed, attached.Store));
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

            foreach (var queue in died)
            {
                _queues.Remove(queue.Target);
                _dead.Add(queue);
            }

            RemoveReleasedQueues();
            released = AdvanceWatermark();
        }

        Complete(released);
        foreach (var (seed, store) in seeds)
        {
            FillSeed(seed, store);
        }
    }
}
