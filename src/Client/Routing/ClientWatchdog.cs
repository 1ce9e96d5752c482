using Microsoft.Extensions.Logging;

namespace Grid.Client.Routing;

/// <summary>
/// One dedicated background thread per process (not a thread-pool thread, so it keeps time while the pool is starved)
/// that every <see cref="Period"/> checks the deadlines of every Grid client's operations and watches the thread pool,
/// and every <see cref="RescuePeriod"/> rescues batches whose delivery a caller's continuation holds up.
/// <para>
/// Callers that block on grid tasks from thread-pool threads (sync-over-async, common in older ASP.NET code and in
/// libraries) can take every pool thread; the Orleans client needs pool threads to read answers, so nothing completes
/// until the pool injects more, which it does slowly (a few threads a second). When a probe work item waits longer
/// than <see cref="StarvationThreshold"/> (or <see cref="BlockedThreshold"/> with the process using almost no CPU), the watchdog raises the pool's minimum worker threads (by
/// <see cref="StarvationStep"/>, up to <see cref="MaxMinimumThreads"/>), so the pool creates threads at once and the
/// blocked callers' operations complete; it logs a warning naming the cause. StackExchange.Redis users set
/// <c>ThreadPool.SetMinThreads</c> by hand for the same reason.
/// </para>
/// </summary>
internal static partial class ClientWatchdog
{
    /// <summary>How often deadlines are checked and the pool probed.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>How often batches whose delivery stalled are looked for (see <see cref="StallThreshold"/>).</summary>
    public static readonly TimeSpan RescuePeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a delivery may stall before it is rescued, counted in checks (<see cref="RescuePeriod"/> apart) that
    /// found it where the previous one left it, so a pause that stops this thread too (a garbage collection) does not
    /// count: answered results are handed to callers inline, so a caller that blocks there (sync-over-async) holds up the
    /// rest of its batch and its slot until then. A healthy batch hands out 64 results in tens of microseconds; the margin
    /// is for a delivering thread the OS merely left waiting on a busy machine, which is no reason to rescue.
    /// </summary>
    public static readonly TimeSpan StallThreshold = TimeSpan.FromMilliseconds(50);

    /// <summary>A probe work item waiting this long (garbage-collection pauses not counted) means the thread pool is starved.</summary>
    public static readonly TimeSpan StarvationThreshold = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A probe work item waiting this long while the process used almost no CPU (under a quarter of one core) means
    /// the pool's threads are blocked, not busy: the guard acts at once instead of at <see cref="StarvationThreshold"/>.
    /// A fault test's client process showed such stalls of about 300 ms (8 pool threads blocked, 7 ms of CPU), cause
    /// not found; acting at 100 ms cuts them to 100-200 ms.
    /// </summary>
    public static readonly TimeSpan BlockedThreshold = TimeSpan.FromMilliseconds(100);

    /// <summary>Worker threads added to the pool's minimum per starvation seen.</summary>
    public const int StarvationStep = 32;

    /// <summary>The highest minimum the watchdog sets.</summary>
    public const int MaxMinimumThreads = 1024;

    private static readonly Lock Gate = new();
    private static readonly List<Watched> Clients = [];
    private static Thread? _thread;
    private static long _probeQueuedAt;
    private static long _probeGcPauseAt;
    private static long _probeCpuAt;
    private static int _probePending;

    // The longest this thread's own 10 ms sleep overran since the pending probe was queued: when the watchdog itself was
    // held up about as long as the probe, the whole process (or the machine) was not running, and the pool was not starved.
    private static long _probeHeldUpMs;

    /// <summary>
    /// Starts calling <paramref name="check"/> every <see cref="Period"/> (and probing the pool) and
    /// <paramref name="rescue"/> every <see cref="RescuePeriod"/>, until <see cref="Unwatch"/>.
    /// </summary>
    public static object Watch(Action check, Action rescue, ILogger logger, bool guardThreadPool)
    {
        var watched = new Watched(check, rescue, logger, guardThreadPool);
        lock (Gate)
        {
            Clients.Add(watched);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Grid client watchdog" };
                _thread.Start();
            }
        }

        return watched;
    }

    /// <summary>Stops watching what <see cref="Watch"/> returned.</summary>
    public static void Unwatch(object token)
    {
        lock (Gate)
        {
            Clients.Remove((Watched)token);
        }
    }

    private static void Run()
    {
        int ticksPerCheck = (int)(Period / RescuePeriod);
        long sleepMs = (long)RescuePeriod.TotalMilliseconds;
        for (long tick = 1; ; tick++)
        {
            long before = Environment.TickCount64;
            Thread.Sleep(RescuePeriod);
            long overran = Environment.TickCount64 - before - sleepMs;
            if (overran > Volatile.Read(ref _probeHeldUpMs))
            {
                Volatile.Write(ref _probeHeldUpMs, overran);
            }

            Watched[] clients;
            lock (Gate)
            {
                clients = [.. Clients];
            }

            bool fullCheck = tick % ticksPerCheck == 0;
            foreach (var client in clients)
            {
                RunGuarded(client, client.Rescue);
                if (fullCheck)
                {
                    RunGuarded(client, client.Check);
                }
            }

            if (fullCheck)
            {
                ProbeThreadPool(clients);
            }
        }
    }

    private static void RunGuarded(Watched client, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            // A check must never stop the watchdog of every client in the process; the failure is reported.
            LogCheckFailed(client.Logger, ex);
        }
    }

    private static void ProbeThreadPool(Watched[] clients)
    {
        long now = Environment.TickCount64;
        if (Volatile.Read(ref _probePending) == 0)
        {
            StartProbeClock(now);
            Volatile.Write(ref _probePending, 1);
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Volatile.Write(ref _probePending, 0), null);
            return;
        }

        // A collection pauses every thread, this one too: time the process spent paused is not the pool's starvation,
        // and more threads would not shorten it.
        long waited = now - Volatile.Read(ref _probeQueuedAt);
        long paused = GcPauseMs() - Volatile.Read(ref _probeGcPauseAt);
        long starved = waited - paused;
        long cpu = CpuMs() - Volatile.Read(ref _probeCpuAt);
        long heldUp = Volatile.Read(ref _probeHeldUpMs);
        var verdict = PoolProbe.Judge(starved, cpu, heldUp, (long)BlockedThreshold.TotalMilliseconds, (long)StarvationThreshold.TotalMilliseconds);
        if (verdict == PoolProbeVerdict.Wait)
        {
            return;
        }

        Watched? guard = null;
        foreach (var client in clients)
        {
            if (client.GuardThreadPool)
            {
                guard = client;
                break;
            }
        }

        if (guard is null)
        {
            return;
        }

        if (verdict == PoolProbeVerdict.ProcessStalled)
        {
            // This thread was held up for most of the wait too: the process (or the machine) did not run, which more pool
            // threads would not change. Said once per such stall of StarvationThreshold or more (shorter ones are common
            // on a busy virtual machine), with what the threads are doing now.
            if (starved >= (long)StarvationThreshold.TotalMilliseconds)
            {
                LogProcessStalled(guard.Logger, waited, heldUp, cpu, ThreadStates.Describe());
            }

            StartProbeClock(now);
            return;
        }

        ThreadPool.GetMinThreads(out int workers, out int io);
        int target = Math.Min(MaxMinimumThreads, Math.Max(workers, ThreadPool.ThreadCount) + StarvationStep);
        if (target > workers && ThreadPool.SetMinThreads(target, io))
        {
            // The process's CPU time meanwhile tells blocked threads (little CPU) from a busy process (about all of it).
            LogStarvation(guard.Logger, waited, paused, cpu, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, target, ThreadStates.Describe());
        }

        // Measure afresh against the raised minimum.
        StartProbeClock(now);
    }

    /// <summary>Notes when the pending probe's wait starts: the time, and the process's GC pause and CPU totals then.</summary>
    private static void StartProbeClock(long now)
    {
        Volatile.Write(ref _probeQueuedAt, now);
        Volatile.Write(ref _probeGcPauseAt, GcPauseMs());
        Volatile.Write(ref _probeCpuAt, CpuMs());
        Volatile.Write(ref _probeHeldUpMs, 0);
    }

    private static long GcPauseMs() => (long)GC.GetTotalPauseDuration().TotalMilliseconds;

    private static long CpuMs() => (long)Environment.CpuUsage.TotalTime.TotalMilliseconds;

    private sealed class Watched(Action check, Action rescue, ILogger logger, bool guardThreadPool)
    {
        public Action Check { get; } = check;

        public Action Rescue { get; } = rescue;

        public ILogger Logger { get; } = logger;

        public bool GuardThreadPool { get; } = guardThreadPool;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Thread pool starved: a work item waited {WaitedMs} ms ({GcPauseMs} ms of it in garbage-collection pauses; the process used {CpuMs} ms of CPU meanwhile) with {Threads} threads and {Queued} queued work items (callers blocking on tasks from pool threads, sync-over-async?); Grid raised the pool's minimum worker threads to {Minimum} so operations can complete (GridClientOptions.ThreadPoolStarvationGuard); threads now: {ThreadStates}")]
    private static partial void LogStarvation(ILogger logger, long waitedMs, long gcPauseMs, long cpuMs, int threads, long queued, int minimum, string threadStates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The process stalled: a thread-pool work item waited {WaitedMs} ms and the Grid client's own watchdog thread was held up {HeldUpMs} ms of it (the process used {CpuMs} ms of CPU meanwhile), so the process or the machine was not running (a VM pause, page faults, a stopped process); the thread pool's minimum is left as it is; threads now: {ThreadStates}")]
    private static partial void LogProcessStalled(ILogger logger, long waitedMs, long heldUpMs, long cpuMs, string threadStates);

    [LoggerMessage(Level = LogLevel.Error, Message = "A Grid client's deadline check or delivery rescue failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);
}
