namespace Grid.Bench.Reporting;

/// <summary>The memory section: the same entries loaded into a fresh redis-server and a fresh single silo.</summary>
internal sealed record MemoryResult
{
    public required int Entries { get; init; }

    public required int ValueSize { get; init; }

    public RedisMemory? Redis { get; init; }

    public GridMemory? Grid { get; init; }
}

/// <summary>redis-server before and after loading.</summary>
internal sealed record RedisMemory(long UsedBefore, long UsedAfter, long RssBefore, long RssAfter, long Keys, double LoadSeconds)
{
    public double UsedPerEntry(int entries) => (UsedAfter - UsedBefore) / (double)entries;

    public double RssPerEntry(int entries) => (RssAfter - RssBefore) / (double)entries;
}

/// <summary>The silo before and after loading, each time after a forced compacting GC.</summary>
internal sealed record GridMemory(
    long AccountedBefore,
    long AccountedAfter,
    long GcHeapBefore,
    long GcHeapAfter,
    long RssBefore,
    long RssAfter,
    long Entries,
    long Evictions,
    double LoadSeconds)
{
    public double AccountedPerEntry(int entries) => (AccountedAfter - AccountedBefore) / (double)entries;

    public double GcHeapPerEntry(int entries) => (GcHeapAfter - GcHeapBefore) / (double)entries;

    public double RssPerEntry(int entries) => (RssAfter - RssBefore) / (double)entries;
}
