using System.Diagnostics;
using Grid.Bench.Hosting;
using HdrHistogram;

namespace Grid.Bench.Load;

/// <summary>
/// Runs N concurrent async loops against one system: warm-up, then a measured window. Each loop records the latency
/// of every operation it starts inside the window into its own HdrHistogram (no shared state on the measured path),
/// from the operation's send time — in open-loop mode (<see cref="LoadRequest.Rate"/>) from its scheduled send time, so
/// a stall is charged to every operation it delayed (no coordinated omission). Client and server CPU time are read
/// from /proc at the window's edges.
/// </summary>
internal sealed class LoadGenerator
{
    private const long HighestMicros = 60_000_000;
    private const int SignificantDigits = 3;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(45);
    private static readonly double TicksPerMicro = Stopwatch.Frequency / 1e6;

    private readonly List<LongHistogram> _pool = [];

    public async Task<LoadMeasurement> RunAsync(IKeyValueTarget target, LoadRequest request, IReadOnlyList<int> serverPids, CancellationToken cancellationToken)
    {
        int loops = request.Concurrency;
        while (_pool.Count < loops)
        {
            _pool.Add(new LongHistogram(HighestMicros, SignificantDigits));
        }

        var chooser = KeyChooser.Create(request.Distribution, request.KeyCount);
        long start = Stopwatch.GetTimestamp();
        var context = new LoopContext
        {
            Target = target,
            Keys = request.KeySpace.Keys,
            Chooser = chooser,
            Value = request.Value,
            GetPercent = request.GetPercent,
            Loops = loops,
            Start = start,
            MeasureStart = start + Ticks(request.Warmup),
            MeasureEnd = start + Ticks(request.Warmup + request.Duration),
            IntervalTicks = request.Rate is { } rate ? (long)(Stopwatch.Frequency * loops / rate) : 0,
            Token = cancellationToken,
        };

        var states = new LoopState[loops];
        var tasks = new Task[loops];
        for (int i = 0; i < loops; i++)
        {
            var histogram = _pool[i];
            histogram.Reset();
            var state = states[i] = new LoopState(histogram);
            int index = i;
            tasks[i] = Task.Run(() => RunLoopAsync(context, state, index), CancellationToken.None);
        }

        await DelayUntilAsync(context.MeasureStart, cancellationToken);
        long wall0 = Stopwatch.GetTimestamp();
        var client0 = ProcStat.CpuTime(Environment.ProcessId);
        var server0 = ProcStat.CpuTime(serverPids);
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var paused0 = GC.GetTotalPauseDuration();
        request.Probe?.WindowStarted();
        await DelayUntilAsync(context.MeasureEnd, cancellationToken);
        long wall1 = Stopwatch.GetTimestamp();
        var client1 = ProcStat.CpuTime(Environment.ProcessId);
        var server1 = ProcStat.CpuTime(serverPids);
        long allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        var paused1 = GC.GetTotalPauseDuration();
        request.Probe?.WindowEnded();

        var all = Task.WhenAll(tasks);
        try
        {
            await all.WaitAsync(DrainTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported as stuck loops below; their late answers are not recorded.
        }

        context.Closed = true;
        int stuck = 0;
        for (int i = 0; i < tasks.Length; i++)
        {
            if (!tasks[i].IsCompleted)
            {
                stuck++;
            }
        }

        var total = new LongHistogram(HighestMicros, SignificantDigits);
        long errors = 0;
        string? firstError = null;
        foreach (var state in states)
        {
            total.Add(state.Histogram);
            errors += state.Errors;
            if (firstError is null && state.FirstError is { } error)
            {
                firstError = $"{error.GetType().Name}: {error.Message}";
            }
        }

        double wallSeconds = (wall1 - wall0) / (double)Stopwatch.Frequency;
        bool any = total.TotalCount > 0;
        return new LoadMeasurement
        {
            Operations = total.TotalCount,
            Errors = errors,
            FirstError = firstError,
            StuckLoops = stuck,
            Seconds = request.Duration.TotalSeconds,
            P50Micros = any ? total.GetValueAtPercentile(50) : 0,
            P99Micros = any ? total.GetValueAtPercentile(99) : 0,
            P999Micros = any ? total.GetValueAtPercentile(99.9) : 0,
            MaxMicros = any ? total.GetMaxValue() : 0,
            MeanMicros = any ? total.GetMean() : 0,
            ClientCpuPercent = wallSeconds > 0 ? (client1 - client0).TotalSeconds / wallSeconds * 100 : 0,
            ServerCpuPercent = wallSeconds > 0 ? (server1 - server0).TotalSeconds / wallSeconds * 100 : 0,
            ClientAllocatedBytes = allocated1 - allocated0,
            ClientGcPausePercent = wallSeconds > 0 ? (paused1 - paused0).TotalSeconds / wallSeconds * 100 : 0,
        };
    }

    private static async Task RunLoopAsync(LoopContext c, LoopState s, int index)
    {
        var random = FastRandom.ForStream(index);
        var target = c.Target;
        var keys = c.Keys;
        var chooser = c.Chooser;
        var token = c.Token;
        long interval = c.IntervalTicks;
        long next = c.Start + (interval * index / c.Loops);
        while (!token.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            long sendAt;
            if (interval > 0)
            {
                if (next >= c.MeasureEnd)
                {
                    break;
                }

                // Timers fire late (≥ 1 ms granularity): wake up to a millisecond early and send at once, so the
                // harness's own timer lateness is not charged to the system; real lateness (a stalled loop) still is.
                if (next - now > 2 * MillisecondTicks)
                {
                    await Task.Delay(TimeSpan.FromSeconds((next - now - MillisecondTicks) / (double)Stopwatch.Frequency), token).ConfigureAwait(false);
                    now = Stopwatch.GetTimestamp();
                }

                // Late: charge the lateness to this operation (it was due at `next`). Early (timer slack): count from now.
                sendAt = Math.Min(now, next);
                next += interval;
            }
            else
            {
                if (now >= c.MeasureEnd)
                {
                    break;
                }

                sendAt = now;
            }

            string key = keys[chooser.Next(ref random)];
            bool get = random.NextInt(100) < c.GetPercent;
            Exception? failure = null;
            try
            {
                if (get)
                {
                    await target.GetAsync(key).ConfigureAwait(false);
                }
                else
                {
                    await target.SetAsync(key, c.Value).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            long done = Stopwatch.GetTimestamp();
            if (sendAt < c.MeasureStart || sendAt >= c.MeasureEnd || c.Closed)
            {
                continue;
            }

            if (failure is null)
            {
                long micros = (long)((done - sendAt) / TicksPerMicro);
                s.Histogram.RecordValue(Math.Clamp(micros, 1, HighestMicros));
            }
            else if (!token.IsCancellationRequested)
            {
                s.Errors++;
                s.FirstError ??= failure;
            }
        }
    }

    private static readonly long MillisecondTicks = Stopwatch.Frequency / 1000;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        long remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), cancellationToken);
        }
    }

    private sealed class LoopContext
    {
        public required IKeyValueTarget Target { get; init; }

        public required string[] Keys { get; init; }

        public required KeyChooser Chooser { get; init; }

        public required byte[] Value { get; init; }

        public required int GetPercent { get; init; }

        public required int Loops { get; init; }

        public required long Start { get; init; }

        public required long MeasureStart { get; init; }

        public required long MeasureEnd { get; init; }

        public required long IntervalTicks { get; init; }

        public required CancellationToken Token { get; init; }

        public volatile bool Closed;
    }

    private sealed class LoopState(LongHistogram histogram)
    {
        public LongHistogram Histogram { get; } = histogram;

        public long Errors;

        public Exception? FirstError;
    }
}
