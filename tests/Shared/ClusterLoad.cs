using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grid.Client;

namespace Grid.Tests.Shared;

/// <summary>
/// Continuous sets and gets from several clients while a cluster changes, with real accounting: every write carries
/// a per-key sequence number, so the end state shows whether any acknowledged write was lost, and every read is
/// checked against what was acknowledged before it started. Loops are bounded by <see cref="StopAsync"/>.
/// </summary>
internal sealed class ClusterLoad
{
    private static readonly TimeSpan SlowOp = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<IGridCache> _clients;
    private readonly int _loopsPerClient;
    private readonly int _keysPerLoop;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly List<Loop> _loops = [];
    private readonly List<Task> _tasks = [];
    private long _eventAt;

    public ClusterLoad(IReadOnlyList<IGridCache> clients, int loopsPerClient = 4, int keysPerLoop = 200)
    {
        _clients = clients;
        _loopsPerClient = loopsPerClient;
        _keysPerLoop = keysPerLoop;
        _prefix = "load:" + Guid.NewGuid().ToString("N")[..8];
    }

    public void Start()
    {
        for (int c = 0; c < _clients.Count; c++)
        {
            for (int l = 0; l < _loopsPerClient; l++)
            {
                var loop = new Loop($"{_prefix}:{c}:{l}", _clients[c], _keysPerLoop);
                _loops.Add(loop);
                _tasks.Add(Task.Run(() => RunAsync(loop)));
            }
        }
    }

    /// <summary>Marks the moment of the change (join, stop, kill) that recovery time is measured from.</summary>
    public void MarkEvent() => Volatile.Write(ref _eventAt, Stopwatch.GetTimestamp());

    /// <summary>Operations completed so far (successful or not).</summary>
    public long Operations
    {
        get
        {
            long total = 0;
            foreach (var loop in _loops)
            {
                total += Volatile.Read(ref loop.Operations);
            }

            return total;
        }
    }

    /// <summary>Waits until every loop completed at least <paramref name="count"/> more operations.</summary>
    public async Task WaitForProgressAsync(int count, TimeSpan timeout)
    {
        var start = new long[_loops.Count];
        for (int i = 0; i < start.Length; i++)
        {
            start[i] = Volatile.Read(ref _loops[i].Succeeded);
        }

        var deadline = DateTime.UtcNow + timeout;
        for (int i = 0; i < start.Length; i++)
        {
            while (Volatile.Read(ref _loops[i].Succeeded) < start[i] + count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Load loop {i} made no progress within {timeout}: {Summary()}");
                }

                await Task.Delay(20);
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Reads back every key written (through <paramref name="reader"/>) and reports.</summary>
    public async Task<LoadReport> VerifyAsync(IGridCache reader)
    {
        long keys = 0;
        var lostDetails = new List<string>();
        foreach (var loop in _loops)
        {
            var names = new List<string>();
            var expected = new List<long>();
            for (int k = 0; k < _keysPerLoop; k++)
            {
                if (loop.Acked[k] > 0)
                {
                    names.Add(loop.Key(k));
                    expected.Add(loop.Acked[k]);
                }
            }

            keys += names.Count;
            var values = await reader.GetManyAsync(names);
            for (int i = 0; i < values.Length; i++)
            {
                long value = values[i] is { } bytes ? long.Parse(System.Text.Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture) : 0;
                if (value < expected[i])
                {
                    // Which key, and whether the grid itself lost it or only the reader's near cache still holds an old value.
                    var direct = await reader.GetAsync(names[i], GridReadOptions.SkipNearCache);
                    string past = direct is null ? "missing" : System.Text.Encoding.ASCII.GetString(direct);
                    lostDetails.Add($"{names[i]}: acknowledged seq {expected[i]}, read {value} (near cache allowed), {past} (skipping the near cache)");
                }
            }
        }

        long ops = 0, writes = 0, staleReads = 0;
        double recovery = 0, maxLatency = 0;
        long eventAt = Volatile.Read(ref _eventAt);
        foreach (var loop in _loops)
        {
            ops += loop.Operations;
            writes += loop.AckedWrites;
            staleReads += loop.StaleReads;
            if (eventAt != 0)
            {
                foreach (var (start, end, ok) in loop.Timeline)
                {
                    if (end < eventAt)
                    {
                        continue;
                    }

                    var latency = Stopwatch.GetElapsedTime(start, end);
                    maxLatency = Math.Max(maxLatency, latency.TotalSeconds);
                    if (!ok || latency > SlowOp)
                    {
                        recovery = Math.Max(recovery, Stopwatch.GetElapsedTime(eventAt, end).TotalSeconds);
                    }
                }
            }
        }

        return new LoadReport(ops, writes, _errors.Values.Sum(), new Dictionary<string, int>(_errors), lostDetails.Count, staleReads, keys, TimeSpan.FromSeconds(recovery), TimeSpan.FromSeconds(maxLatency))
        {
            LostDetails = lostDetails,
        };
    }

    private string Summary() => $"{Operations} ops, errors: {string.Join(", ", _errors.Select(e => $"{e.Key}={e.Value}"))}";

    private async Task RunAsync(Loop loop)
    {
        var random = new Random(loop.Name.GetHashCode(StringComparison.Ordinal));
        long sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            int k = random.Next(_keysPerLoop);
            bool write = loop.Acked[k] == 0 || random.Next(2) == 0;
            long start = Stopwatch.GetTimestamp();
            bool ok = true;
            try
            {
                if (write)
                {
                    long value = ++sequence;
                    await loop.Cache.SetStringAsync(loop.Key(k), value.ToString(CultureInfo.InvariantCulture));
                    loop.Acked[k] = value;
                    loop.AckedWrites++;
                }
                else
                {
                    long acked = loop.Acked[k];
                    var text = await loop.Cache.GetStringAsync(loop.Key(k));
                    long read = text is null ? 0 : long.Parse(text, CultureInfo.InvariantCulture);
                    if (read < acked)
                    {
                        loop.StaleReads++;
                    }
                }
            }
            catch (Exception ex) when (ex is GridException or TimeoutException or Orleans.Runtime.OrleansException)
            {
                ok = false;
                _errors.AddOrUpdate(ex.GetType().Name + ": " + Shorten(ex.Message), 1, (_, n) => n + 1);
            }

            loop.Timeline.Add((start, Stopwatch.GetTimestamp(), ok));
            Interlocked.Increment(ref loop.Operations);
            if (ok)
            {
                Interlocked.Increment(ref loop.Succeeded);
            }
        }
    }

    private static string Shorten(string message) => message.Length <= 120 ? message : message[..120];

    private sealed class Loop(string name, IGridCache cache, int keys)
    {
        public string Name { get; } = name;

        public IGridCache Cache { get; } = cache;

        public long[] Acked { get; } = new long[keys];

        public List<(long Start, long End, bool Ok)> Timeline { get; } = [];

        public long Operations;
        public long Succeeded;
        public long AckedWrites;
        public long StaleReads;

        public string Key(int k) => $"{Name}:{k}";
    }
}

/// <summary>What a load run saw.</summary>
internal sealed record LoadReport(
    long Operations,
    long AcknowledgedWrites,
    int ClientErrors,
    IReadOnlyDictionary<string, int> ErrorsByKind,
    long AcknowledgedWritesLost,
    long StaleReads,
    long KeysChecked,
    TimeSpan RecoveryTime,
    TimeSpan MaxLatencyAfterEvent)
{
    /// <summary>Per lost write: the key, its last acknowledged sequence, and what was read with and without the near cache.</summary>
    public IReadOnlyList<string> LostDetails { get; init; } = [];

    public override string ToString() =>
        $"operations {Operations}, acknowledged writes {AcknowledgedWrites}, client errors {ClientErrors}, acknowledged writes lost {AcknowledgedWritesLost} " +
        $"(of {KeysChecked} keys checked), stale reads {StaleReads}, recovery time {RecoveryTime.TotalSeconds:0.00} s, max latency after the event {MaxLatencyAfterEvent.TotalSeconds:0.00} s" +
        (ErrorsByKind.Count == 0 ? "" : "; errors: " + string.Join("; ", ErrorsByKind.Select(e => $"{e.Value}× {e.Key}"))) +
        (LostDetails.Count == 0 ? "" : "; lost: " + string.Join("; ", LostDetails));
}
