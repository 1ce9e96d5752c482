namespace Grid.Grains.Persistence;

/// <summary>
/// What this silo's snapshot files did since it started (the <c>grid.silo.snapshot.*</c> metrics): files and bytes
/// written, writes that failed, damaged files skipped, entries restored, and the longest time a partition's lock was
/// held to copy its entries for a file (the only pause a client operation can see).
/// </summary>
internal sealed class SnapshotStatistics
{
    private long _filesWritten;
    private long _bytesWritten;
    private long _writeFailures;
    private long _damagedFiles;
    private long _entriesRestored;
    private long _longestPauseTicks;

    public long FilesWritten => Interlocked.Read(ref _filesWritten);

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public long DamagedFiles => Interlocked.Read(ref _damagedFiles);

    public long EntriesRestored => Interlocked.Read(ref _entriesRestored);

    /// <summary>The longest copy pause so far, in milliseconds.</summary>
    public double LongestPauseMs => TimeSpan.FromTicks(Interlocked.Read(ref _longestPauseTicks)).TotalMilliseconds;

    /// <summary>A file of <paramref name="bytes"/> bytes was written after a copy pause of <paramref name="pause"/>.</summary>
    public void Written(long bytes, TimeSpan pause)
    {
        Interlocked.Increment(ref _filesWritten);
        Interlocked.Add(ref _bytesWritten, bytes);
        Paused(pause);
    }

    /// <summary>A write failed after its copy pause of <paramref name="pause"/>.</summary>
    public void Failed(TimeSpan pause)
    {
        Interlocked.Increment(ref _writeFailures);
        Paused(pause);
    }

    /// <summary>A file was damaged (truncated, corrupt, of another format or cluster) and skipped.</summary>
    public void Damaged() => Interlocked.Increment(ref _damagedFiles);

    /// <summary>A partition took <paramref name="entries"/> entries from a file.</summary>
    public void Restored(long entries) => Interlocked.Add(ref _entriesRestored, entries);

    private void Paused(TimeSpan pause)
    {
        long ticks = pause.Ticks;
        long longest = Interlocked.Read(ref _longestPauseTicks);
        while (ticks > longest)
        {
            long seen = Interlocked.CompareExchange(ref _longestPauseTicks, ticks, longest);
            if (seen == longest)
            {
                return;
            }

            longest = seen;
        }
    }
}
