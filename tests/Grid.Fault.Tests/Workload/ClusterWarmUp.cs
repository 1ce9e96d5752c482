using System.Text;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// Brings a fresh cluster to its steady state before the load, so the load's figures are about faults, not about a
/// cold start: the partitions of the load's keys start (they start on first use), and every path the load takes runs
/// once in every silo and client — sets, increments, pushes, and invalidations pushed to the near cache (the first
/// pushes after start took ~100 ms, which would count as stale reads). Changes nothing the load checks: it reads the
/// load's keys and writes only keys of its own. Bounded by <see cref="FaultTimings.ClusterStartBound"/>.
/// </summary>
internal static class ClusterWarmUp
{
    /// <summary>Enough keys to land on every silo's partitions.</summary>
    private const int Keys = 64;

    /// <summary>How long the near cache may take to show the warm-up's second writes (not checked: only run through).</summary>
    private static readonly TimeSpan InvalidationWait = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(FaultLoad load, IGridCache writerClient, IGridCache nearCacheClient, IGridCache directClient)
    {
        if (!await WarmAsync(load, writerClient, nearCacheClient, directClient).CompletedWithinAsync(FaultTimings.ClusterStartBound))
        {
            throw new TimeoutException($"harness: the cluster did not serve the warm-up within {FaultTimings.ClusterStartBound.TotalSeconds:0} s.");
        }
    }

    private static async Task WarmAsync(FaultLoad load, IGridCache writerClient, IGridCache nearCacheClient, IGridCache directClient)
    {
        var reads = new List<Task>();
        foreach (var writer in load.Writers)
        {
            var keys = writer.Keys.Select(k => k.Key).ToArray();
            reads.Add(directClient.GetManyAsync(keys).AsTask());
            reads.Add(directClient.GetAsync(writer.Counter.Key).AsTask());
            reads.Add(directClient.ListLengthAsync(writer.List.Key).AsTask());
        }

        await Task.WhenAll(reads);

        var warmKeys = Enumerable.Range(0, Keys).Select(i => $"{load.Prefix}:warm:{i}").ToArray();
        byte[] first = Encoding.ASCII.GetBytes("1"), second = Encoding.ASCII.GetBytes("2");
        await Task.WhenAll(warmKeys.Select(k => writerClient.SetAsync(k, first).AsTask()));
        await Task.WhenAll(warmKeys.Select(k => nearCacheClient.GetAsync(k).AsTask()));
        await Task.WhenAll(warmKeys.Select(k => writerClient.SetAsync(k, second).AsTask()));
        await writerClient.IncrementAsync($"{load.Prefix}:warm:counter");
        await writerClient.ListRightPushAsync($"{load.Prefix}:warm:list", [first]);

        var until = DateTime.UtcNow + InvalidationWait;
        while (DateTime.UtcNow < until)
        {
            var seen = await Task.WhenAll(warmKeys.Select(k => nearCacheClient.GetAsync(k).AsTask()));
            if (seen.All(v => v is [(byte)'2']))
            {
                return;
            }

            await Task.Delay(50);
        }
    }
}
