namespace Grid.Grains.Balancing;

/// <summary>The arithmetic of rebalance progress: rates, the estimate of the time left, and the cluster's sum of its silos.</summary>
internal static class RebalanceMath
{
    /// <summary>Amount per second over <paramref name="elapsed"/>; 0 before any time has passed.</summary>
    public static double Rate(long amount, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? amount / elapsed.TotalSeconds : 0;

    /// <summary>
    /// Seconds left at the rate so far: 0 when nothing is pending; by bytes when the rebalance has bytes and some moved,
    /// else by partitions; null while paused or before anything moved (there is no rate to go by).
    /// </summary>
    public static double? SecondsLeft(int partitionsPending, long bytesPending, double partitionsPerSecond, double bytesPerSecond, bool paused)
    {
        if (partitionsPending <= 0)
        {
            return 0;
        }

        if (paused)
        {
            return null;
        }

        if (bytesPending > 0 && bytesPerSecond > 0)
        {
            return bytesPending / bytesPerSecond;
        }

        return partitionsPerSecond > 0 ? partitionsPending / partitionsPerSecond : null;
    }

    /// <summary>
    /// The cluster's progress: counts and rates summed over the silos that answered; the estimate is the longest of
    /// theirs (silos move in parallel), unknown when one with partitions pending has none; started at the earliest start,
    /// finished when every silo that started has finished (at the latest finish).
    /// </summary>
    public static GridRebalanceProgress Total(IReadOnlyList<GridRebalanceProgress> silos)
    {
        int toMove = 0, moved = 0, inFlight = 0;
        long bytesToMove = 0, bytesMoved = 0, totalPartitions = 0, totalBytes = 0, started = 0, finished = 0;
        double bytesRate = 0, partitionsRate = 0;
        double? secondsLeft = 0;
        bool running = false;
        foreach (var silo in silos)
        {
            if (silo.Error is not null)
            {
                continue;
            }

            toMove += silo.PartitionsToMove;
            moved += silo.PartitionsMoved;
            inFlight += silo.InFlight;
            bytesToMove += silo.BytesToMove;
            bytesMoved += silo.BytesMoved;
            totalPartitions += silo.TotalPartitionsMoved;
            totalBytes += silo.TotalBytesMoved;
            bytesRate += silo.BytesPerSecond;
            partitionsRate += silo.PartitionsPerSecond;
            if (silo.StartedAtUnixMs != 0)
            {
                started = started == 0 ? silo.StartedAtUnixMs : Math.Min(started, silo.StartedAtUnixMs);
                running |= silo.FinishedAtUnixMs == 0;
                finished = Math.Max(finished, silo.FinishedAtUnixMs);
            }

            if (silo.PartitionsPending > 0)
            {
                secondsLeft = secondsLeft is { } longest && silo.EstimatedSecondsLeft is { } left ? Math.Max(longest, left) : null;
            }
        }

        return new GridRebalanceProgress
        {
            Silo = "total",
            PartitionsToMove = toMove,
            PartitionsMoved = moved,
            BytesToMove = bytesToMove,
            BytesMoved = bytesMoved,
            InFlight = inFlight,
            StartedAtUnixMs = started,
            FinishedAtUnixMs = running ? 0 : finished,
            BytesPerSecond = bytesRate,
            PartitionsPerSecond = partitionsRate,
            EstimatedSecondsLeft = secondsLeft,
            TotalPartitionsMoved = totalPartitions,
            TotalBytesMoved = totalBytes,
        };
    }
}
