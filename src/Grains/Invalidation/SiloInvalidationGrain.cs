using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Invalidation;

/// <summary>The invalidation agent of this silo (see <see cref="ISiloInvalidationGrain"/>).</summary>
[Reentrant]
[KeepAlive]
[SiloTargetedPlacement]
internal sealed class SiloInvalidationGrain(
    PartitionStoreRegistry registry,
    TagIndexPump pump,
    ScanThrottle scans,
    ReplicationOutbox replication,
    IOptions<GridSiloOptions> options,
    ILocalSiloDetails silo) : Grain, ISiloInvalidationGrain
{
    private readonly GridSiloOptions _options = options.Value;

    public async Task FlushTagIndex()
    {
        using var timeout = new CancellationTokenSource(_options.Tags.FlushTimeout);
        try
        {
            await pump.FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new GridException($"Silo {silo.SiloAddress} could not deliver its {pump.Pending} pending tag index updates within {_options.Tags.FlushTimeout} (Grid:Tags:FlushTimeout).");
        }
    }

    public async Task<long> RemoveMatching(string pattern, int partition)
    {
        byte[] bytes = InvalidationInput.Encode(pattern, _options.Limits, "pattern", nameof(pattern));
        if (partition >= registry.PartitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"There are {registry.PartitionCount} partitions.");
        }

        // Off the grain's scheduler, so each step's yield returns the thread to the pool and requests on this silo
        // interleave with the steps, instead of the activation running step after step for a whole scheduling quantum.
        return await scans.RunAsync(() => Task.Run(() => ScanAllAsync(bytes, partition)));
    }

    private async Task<long> ScanAllAsync(byte[] bytes, int partition)
    {
        // Partitions that arrive on this silo while it scans are scanned too, once every known store is done. The scan's
        // removals are replicated before it answers (sync mode), like any caller's changes.
        var scanned = new HashSet<PartitionStore>(ReferenceEqualityComparer.Instance);
        var context = new BatchContext();
        long removed = 0;
        while (true)
        {
            var stores = partition >= 0 ? (registry.TryGet(partition) is { } one ? [one] : []) : registry.All;
            bool any = false;
            foreach (var store in stores)
            {
                if (scanned.Add(store))
                {
                    any = true;
                    removed += await ScanAsync(store, bytes, context);
                }
            }

            if (!any)
            {
                await replication.WhenReplicated(context.ReplicationFence);
                return removed;
            }
        }
    }

    /// <summary>Scans one store a bounded step at a time, letting other work run between steps.</summary>
    private async Task<long> ScanAsync(PartitionStore store, byte[] pattern, BatchContext context)
    {
        long removed = 0;
        int cursor = int.MaxValue;
        int step = _options.Tags.ScanBatchSize;
        while (true)
        {
            bool more = store.RemoveMatching(pattern, ref cursor, step, out int count, context);
            removed += count;
            if (!more)
            {
                return removed;
            }

            await Task.Yield();
        }
    }
}
