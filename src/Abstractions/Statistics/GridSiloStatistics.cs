namespace Grid;

/// <summary>A snapshot of one silo's cache counters.</summary>
[GenerateSerializer, Immutable, Alias("grid.SiloStatistics")]
public sealed record GridSiloStatistics
{
    /// <summary>The silo's address.</summary>
    [Id(0)] public string Silo { get; init; } = "";

    /// <summary>Partitions whose store is live on the silo.</summary>
    [Id(1)] public int Partitions { get; init; }

    /// <summary>Entries held.</summary>
    [Id(2)] public long Entries { get; init; }

    /// <summary>Bytes accounted against the memory budget.</summary>
    [Id(3)] public long Bytes { get; init; }

    /// <summary>The silo's memory budget (MaxMemoryBytes).</summary>
    [Id(4)] public long BudgetBytes { get; init; }

    /// <summary>Reads that found their key.</summary>
    [Id(5)] public long Hits { get; init; }

    /// <summary>Reads that did not.</summary>
    [Id(6)] public long Misses { get; init; }

    /// <summary>Entries removed to stay within the memory budget.</summary>
    [Id(7)] public long Evictions { get; init; }

    /// <summary>Entries removed because their time to live ran out.</summary>
    [Id(8)] public long Expirations { get; init; }

    /// <summary>Operations executed (reads and writes).</summary>
    [Id(9)] public long Operations { get; init; }

    /// <summary>The managed heap size of the silo process, in bytes.</summary>
    [Id(10)] public long GcHeapBytes { get; init; }

    /// <summary>Partitions whose replica the silo keeps (their primary lives on another silo).</summary>
    [Id(11)] public int ReplicaPartitions { get; init; }

    /// <summary>Entries held in replicas (not counted in <see cref="Entries"/>).</summary>
    [Id(12)] public long ReplicaEntries { get; init; }

    /// <summary>Bytes held in replicas (outside the memory budget: replicas follow primaries that are budgeted on their own silos).</summary>
    [Id(13)] public long ReplicaBytes { get; init; }

    /// <summary>Entries held that have a deadline (an absolute or sliding expiry): Redis's <c>expires</c> in INFO keyspace.</summary>
    [Id(14)] public long ExpiringEntries { get; init; }
}
