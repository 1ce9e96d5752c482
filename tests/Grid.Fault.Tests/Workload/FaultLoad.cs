using Grid.Client;

namespace Grid.Fault.Tests.Workload;

/// <summary>
/// The load of one run: <see cref="FaultTimings.Writers"/> writers on one client, <see cref="FaultTimings.NearCacheReaders"/>
/// readers on a client with the near cache and <see cref="FaultTimings.DirectReaders"/> on one without, each loop one
/// call at a time until <see cref="StopAsync"/>. Times are Stopwatch timestamps, seconds counted from <see cref="Start"/> (<see cref="Clock"/>).
/// </summary>
internal sealed class FaultLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<Writer> _writers = [];
    private readonly List<Reader> _readers = [];

    public FaultLoad(string prefix, IGridCache writerClient, IGridCache nearCacheClient, IGridCache directClient)
    {
        Prefix = prefix;
        for (int w = 0; w < FaultTimings.Writers; w++)
        {
            _writers.Add(new Writer(w, prefix, writerClient, Clock));
        }

        var keys = new List<KeyLedger>();
        foreach (var writer in _writers)
        {
            keys.AddRange(writer.Keys);
        }

        for (int r = 0; r < FaultTimings.NearCacheReaders; r++)
        {
            _readers.Add(new Reader(r, nearCacheClient, keys, nearCache: true, Clock));
        }

        for (int r = 0; r < FaultTimings.DirectReaders; r++)
        {
            _readers.Add(new Reader(FaultTimings.NearCacheReaders + r, directClient, keys, nearCache: false, Clock));
        }
    }

    /// <summary>What every key of this load starts with.</summary>
    public string Prefix { get; }

    /// <summary>The load's time origin, set by <see cref="Start"/>.</summary>
    public LoadClock Clock { get; } = new();

    /// <summary>Seconds since the load started, when it stopped (set by <see cref="StopAsync"/>).</summary>
    public double StoppedAt { get; private set; }

    public IReadOnlyList<Writer> Writers => _writers;

    public IReadOnlyList<Reader> Readers => _readers;

    /// <summary>Seconds since the load started.</summary>
    public double Now => Clock.Now;

    public void Start()
    {
        Clock.Start();
        foreach (var writer in _writers)
        {
            _loops.Add(Task.Run(() => writer.RunAsync(_stop.Token)));
        }

        foreach (var reader in _readers)
        {
            _loops.Add(Task.Run(() => reader.RunAsync(_stop.Token)));
        }
    }

    /// <summary>Waits until <paramref name="seconds"/> since the start.</summary>
    public Task WaitUntilAsync(double seconds)
    {
        double left = seconds - Now;
        return left > 0 ? Task.Delay(TimeSpan.FromSeconds(left)) : Task.CompletedTask;
    }

    /// <summary>Stops every loop after its current call (each bounded by <see cref="FaultTimings.OperationBound"/>) and waits for them.</summary>
    public async Task StopAsync()
    {
        if (StoppedAt > 0)
        {
            return;
        }

        StoppedAt = Now;
        await _stop.CancelAsync();
        // A loop's call is bounded, so the loops end within that bound; a harness fault in a loop surfaces here.
        await Task.WhenAll(_loops).WaitAsync(FaultTimings.OperationBound + TimeSpan.FromSeconds(10));
    }

    /// <summary>Successful calls of the loops that always reach the grid (writers, near-cache-off readers), per bucket.</summary>
    public long[] GridThroughputBuckets()
    {
        long[]? sum = null;
        foreach (var stats in AllStats())
        {
            if (!stats.ReachesGrid)
            {
                continue;
            }

            sum ??= new long[stats.SucceededPerBucket.Length];
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += stats.SucceededPerBucket[i];
            }
        }

        return sum ?? [];
    }

    public IEnumerable<LoopStats> AllStats()
    {
        foreach (var writer in _writers)
        {
            yield return writer.Stats;
        }

        foreach (var reader in _readers)
        {
            yield return reader.Stats;
        }
    }
}
