using Grid.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Cluster;

/// <summary>
/// Keeps a silo that was frozen (SIGSTOP, a VM pause, a very long GC pause) from serving data it may no longer own.
/// While it was frozen the cluster may have declared it dead and promoted its partitions' replicas elsewhere, which
/// then acknowledged new writes; right after it wakes, it would still answer the calls queued in its sockets from its
/// stale stores. A dedicated thread (not the thread pool, which a pause stops as well) ticks every
/// <see cref="TickPeriod"/>; a gap longer than <see cref="Threshold"/> — shorter than the cluster can declare a silo
/// dead (probe timeout × (missed probes − 1)) — means the silo was frozen, and it stops serving (data operations
/// answer "not here", near-cache subscriptions are refused) until a fresh read of the membership table shows it still
/// active. If it was declared dead, Orleans stops it.
/// </summary>
internal sealed partial class SiloPauseGuard : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often the guard's thread ticks.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);

    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger<SiloPauseGuard> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private long _lastTick = Environment.TickCount64;
    private int _suspended;
    private int _revalidating;

    public SiloPauseGuard(IOptions<GridSiloOptions> options, IClusterMembershipService membership, ILocalSiloDetails silo, ILogger<SiloPauseGuard> logger)
    {
        var detection = options.Value.Membership;
        Threshold = detection.ProbeTimeout * Math.Max(1, detection.NumMissedProbesLimit - 1);
        _membership = membership;
        _silo = silo;
        _logger = logger;
    }

    /// <summary>A gap between ticks longer than this means the silo was frozen.</summary>
    public TimeSpan Threshold { get; }

    /// <summary>
    /// True while the silo may serve data: it was not frozen since it last confirmed its membership. Checked by every
    /// data operation; also true when a caller runs right after a pause, before the guard's thread ticked (the gap is
    /// measured here too).
    /// </summary>
    public bool IsServing
    {
        get
        {
            // The tick first, then the flag: the guard's thread suspends before it publishes a tick after a gap, so a
            // caller that reads the new tick then reads the flag already set.
            long gap = Environment.TickCount64 - Volatile.Read(ref _lastTick);
            if (gap > (long)Threshold.TotalMilliseconds)
            {
                Suspend(gap);
                return false;
            }

            return Volatile.Read(ref _suspended) == 0;
        }
    }

    /// <summary>Test hook: marks the silo as just woken from a freeze (as a long gap would).</summary>
    internal void SimulatePause() => Suspend((long)Threshold.TotalMilliseconds + 1);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloPauseGuard), ServiceLifecycleStage.RuntimeInitialize, OnStart, _ => _stopping.CancelAsync());

    // Not disposed: the guard's thread may still read the token; cancelling twice (DI disposes it per registration) is harmless.
    public void Dispose() => _stopping.Cancel();

    private Task OnStart(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastTick, Environment.TickCount64);
        var thread = new Thread(Tick) { IsBackground = true, Name = "Grid pause guard" };
        thread.Start();
        return Task.CompletedTask;
    }

    private void Tick()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Thread.Sleep(TickPeriod);
            long now = Environment.TickCount64;
            long gap = now - Volatile.Read(ref _lastTick);
            if (gap > (long)Threshold.TotalMilliseconds)
            {
                // Suspended before the tick is published, so a caller that sees the new tick also sees the suspension.
                Suspend(gap);
            }

            Volatile.Write(ref _lastTick, now);
        }
    }

    private void Suspend(long gapMs)
    {
        if (Interlocked.Exchange(ref _suspended, 1) == 0)
        {
            LogPaused(_logger, gapMs);
        }

        if (Interlocked.Exchange(ref _revalidating, 1) == 0)
        {
            _ = RevalidateAsync();
        }
    }

    /// <summary>Reads the membership table afresh until this silo is seen active (serve again) or not (stay refused; Orleans stops a silo declared dead).</summary>
    private async Task RevalidateAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    await _membership.Refresh().AsTask().WaitAsync(TimeSpan.FromSeconds(5), _stopping.Token).ConfigureAwait(false);
                    var status = _membership.CurrentSnapshot.GetSiloStatus(_silo.SiloAddress);
                    if (status == SiloStatus.Active)
                    {
                        Volatile.Write(ref _lastTick, Environment.TickCount64);
                        Volatile.Write(ref _suspended, 0);
                        LogResumed(_logger);
                        return;
                    }

                    LogStillRefused(_logger, status);
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    LogRevalidationFailed(_logger, ex);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            Volatile.Write(ref _revalidating, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo was frozen for {GapMs} ms (longer than failure detection may take): it serves no data until the membership table shows it still active")]
    private static partial void LogPaused(ILogger logger, long gapMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "This silo is still active in the membership table after its pause: serving again")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After its pause this silo is {Status} in the membership table: it keeps refusing data operations")]
    private static partial void LogStillRefused(ILogger logger, SiloStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the membership table after a pause failed; retrying")]
    private static partial void LogRevalidationFailed(ILogger logger, Exception error);
}
