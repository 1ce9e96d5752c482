using Grid.Client.Resilience;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Polly;

namespace Grid.Client.Routing;

/// <summary>
/// Keeps the client's partition → silo map and gets every operation to an answer within its deadline.
/// <para>
/// The map is the rendezvous hash over the active silos (the function the silos place partitions by), corrected by the
/// silos' "this partition lives elsewhere" answers, re-read every <see cref="GridClientOptions.RoutingRefreshInterval"/>
/// and after failures (each read bounded, so a frozen silo cannot stall it).
/// </para>
/// <para>
/// Retry rule: an operation goes again, to wherever its partition lives by then, when its failure proves it did not run
/// (the silo answered <c>NotHere</c>, or Orleans refused the call before delivering it), when it only reads, or when it
/// is a write the silos deduplicate; backing off from 10 ms to 500 ms, never past its deadline, after which it fails with
/// <see cref="GridTimeoutException"/>. (The back-off loop is a Polly pipeline, <see cref="ClientRetryPipelines.Resend"/>;
/// what may go again is decided before it, in <see cref="Resend(PendingOp, bool, Exception)"/>.) A batch call out longer
/// than the batch timeout is abandoned and its operations resent; when a silo dies, every call still out after a short
/// grace is abandoned too (it may have travelled through the dead silo's gateway, which would leave it waiting for
/// Orleans' response timeout).
/// </para>
/// </summary>
internal sealed partial class PartitionRouter : IBatchListener, IDisposable
{
    /// <summary>How long calls still out when a silo is declared dead may take to come back before they are abandoned.</summary>
    internal static readonly TimeSpan AbandonGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>The same for a silo seen shutting down before it left: it answers what it accepted, so its answers are worth a longer wait.</summary>
    internal static readonly TimeSpan GracefulAbandonGrace = TimeSpan.FromSeconds(5);

    private readonly IRoutingCluster _cluster;
    private readonly GridClientOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<ResendStep> _resend;
    private readonly Lock _gate = new();
    private readonly List<SiloChannel> _leaving = [];
    private readonly HashSet<SiloAddress> _known = [];
    private readonly ResendFence _fence;
    private RoutingTable _table = RoutingTable.Empty;
    private ITimer? _refreshTimer;
    private object? _watch;
    private int _refreshing;
    private volatile bool _disposed;

    // A silo that dies fails every batch sent to it until membership says so: one line every 5 s, not one per batch.
    private readonly LogThrottle _batchFailureLog = new(5_000);

    public PartitionRouter(IClusterClient client, GridClientOptions options, ILogger logger, RequestSequencer? requests = null)
        : this(new ClusterClientRouting(client), options, logger, requests)
    {
    }

    /// <summary>A router over any view of the cluster (unit tests pass a fake one).</summary>
    internal PartitionRouter(IRoutingCluster cluster, GridClientOptions options, ILogger logger, RequestSequencer? requests = null)
    {
        Requests = requests;
        _fence = new ResendFence(() => ForEveryChannel(0, static (channel, _) => channel.Kick()));
        _cluster = cluster;
        _options = options;
        _logger = logger;
        _resend = ClientRetryPipelines.Resend(TimeProvider.System);
        BatchTimeout = options.EffectiveBatchTimeout;
    }

    public RoutingTable Table => Volatile.Read(ref _table);

    /// <summary>Numbers this client's writes (null: writes carry no request id).</summary>
    public RequestSequencer? Requests { get; }

    /// <summary>The cluster's MaxKeysPerCall once connected (batches are cut to it).</summary>
    public int MaxOpsPerCall { get; set; } = int.MaxValue;

    /// <inheritdoc />
    public ResendFence Fence => _fence;

    /// <inheritdoc />
    public int DataPlaneShards { get; set; } = 1;

    /// <summary>How long one batch call may be out before it is abandoned and its operations sent again.</summary>
    public TimeSpan BatchTimeout { get; set; }

    /// <summary>Called after the set of silos changed (outside the router's lock).</summary>
    public Action<RoutingTable>? SilosChanged { get; set; }

    /// <summary>Called when silos that were known are declared dead (outside the router's lock).</summary>
    public Action<IReadOnlyList<SiloAddress>>? SilosDied { get; set; }

    /// <summary>Reads the membership (bounded) and rebuilds the map if the active silos changed; handles silos that left or died.</summary>
    public async Task RefreshAsync()
    {
        var hosts = await _cluster.GetHostsAsync().WaitAsync(_options.RoutingRefreshTimeout).ConfigureAwait(false);
        var active = new List<SiloAddress>(hosts.Count);
        foreach (var (silo, status) in hosts)
        {
            if (status == SiloStatus.Active)
            {
                active.Add(silo);
            }
        }

        var previous = Table.Silos;
        Apply(active);
        HandleDeparted(previous, hosts);
    }

    /// <summary>Starts the periodic refresh and the deadline checks (on the <see cref="ClientWatchdog"/>'s thread, which a starved thread pool cannot delay).</summary>
    public void Start()
    {
        _refreshTimer ??= TimeProvider.System.CreateTimer(_ => TriggerRefresh(), null, _options.RoutingRefreshInterval, _options.RoutingRefreshInterval);
        _watch ??= ClientWatchdog.Watch(CheckDeadlines, RescueStalledDeliveries, _logger, _options.ThreadPoolStarvationGuard);
    }

    public void Dispose()
    {
        _disposed = true;
        _refreshTimer?.Dispose();
        if (Interlocked.Exchange(ref _watch, null) is { } watch)
        {
            ClientWatchdog.Unwatch(watch);
        }
    }

    internal void Apply(ICollection<SiloAddress> activeSilos)
    {
        var silos = new List<SiloAddress>(activeSilos);
        silos.Sort((a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        RoutingTable changed;
        List<SiloChannel>? retired = null;
        lock (_gate)
        {
            var old = _table;
            if (SameSilos(old.Silos, silos))
            {
                return;
            }

            var channels = new SiloChannel[silos.Count];
            var seeds = new ulong[silos.Count];
            for (int i = 0; i < channels.Length; i++)
            {
                channels[i] = Find(old.Silos, silos[i]) ?? CreateChannel(silos[i]);
                seeds[i] = PartitionOwnership.SiloSeed(silos[i].ToParsableString());
                _known.Add(silos[i]);
            }

            var byPartition = channels.Length == 0 ? [] : new SiloChannel[_options.PartitionCount];
            for (int p = 0; p < byPartition.Length; p++)
            {
                byPartition[p] = channels[PartitionOwnership.Owner(seeds, p)];
            }

            foreach (var channel in old.Silos)
            {
                if (Find(channels, channel.Silo) is null)
                {
                    (retired ??= []).Add(channel);
                }
            }

            // Before the new routing is seen: what is out or queued for a partition that moves keeps its place ahead of
            // what is sent to the partition's new silo.
            foreach (var channel in old.Silos)
            {
                channel.FenceMoved(byPartition);
            }

            changed = new RoutingTable(channels, byPartition, seeds);
            Volatile.Write(ref _table, changed);
            LogRoutingChanged(_logger, channels.Length);
        }

        if (retired is not null)
        {
            // What was queued for silos that left (never sent) goes to the partitions' new homes now.
            foreach (var channel in retired)
            {
                channel.Retire();
            }
        }

        SilosChanged?.Invoke(changed);
    }

    public void OnPartitionsMoved(PartitionLocation[] moved)
    {
        bool unknownSilo = false;
        lock (_gate)
        {
            var table = _table;
            if (table.ByPartition.Length == 0)
            {
                return;
            }

            var byPartition = (SiloChannel[])table.ByPartition.Clone();
            List<SiloChannel>? losing = null;
            foreach (var location in moved)
            {
                if (Find(table.Silos, location.Silo) is { } channel && (uint)location.Partition < (uint)byPartition.Length)
                {
                    var previous = byPartition[location.Partition];
                    if (!ReferenceEquals(previous, channel) && !(losing ??= []).Contains(previous))
                    {
                        losing.Add(previous);
                    }

                    byPartition[location.Partition] = channel;
                }
                else
                {
                    unknownSilo = true;
                }
            }

            if (losing is not null)
            {
                foreach (var channel in losing)
                {
                    channel.FenceMoved(byPartition);
                }
            }

            Volatile.Write(ref _table, new RoutingTable(table.Silos, byPartition, table.Seeds));
        }

        if (unknownSilo)
        {
            TriggerRefresh();
        }
    }

    public void OnDeliveryStalled(SiloAddress silo, long stalledMs, long pauseMs, bool blocked)
    {
        // Only a waiting thread is a caller blocking: a running one is a slow continuation, or a loaded machine that did
        // not schedule it (no reason to warn the application about its code).
        if (blocked)
        {
            LogDeliveryStalled(_logger, silo, stalledMs, pauseMs);
        }
        else
        {
            LogDeliverySlow(_logger, silo, stalledMs, pauseMs);
        }
    }

    public void OnBatchFailed(SiloChannel channel, Exception error)
    {
        if (_batchFailureLog.TryLog(Environment.TickCount64, out int held))
        {
            LogBatchFailed(_logger, error, channel.Silo, held);
        }

        TriggerRefresh();
    }

    public void Resend(PendingOp op, bool notRun, Exception reason) => Resend(op, notRun, reason, Environment.TickCount64);

    /// <summary>
    /// <see cref="Resend(PendingOp, bool, Exception)"/> as decided at <paramref name="now"/> (<see cref="Environment.TickCount64"/>
    /// ms), so unit tests can ask what happens to an operation once it is old.
    /// </summary>
    internal void Resend(PendingOp op, bool notRun, Exception reason, long now)
    {
        // Until it ends, nothing issued after it on its partition overtakes it (it may fail below: that ends it).
        _fence.Enter(op);
        if (_disposed)
        {
            op.Fail(new GridUnavailableException("The Grid client was disposed before the operation completed.", reason));
            return;
        }

        if (!notRun && !CanRunAgain(op, now))
        {
            op.Fail(reason as GridException ?? new GridUnavailableException($"The call failed: {reason.Message}. The write may or may not have been applied.", reason));
            return;
        }

        if (op.IsExpired(now))
        {
            op.Fail(Timeouts.Expired(op, $"its last attempt failed: {reason.Message}", reason));
            return;
        }

        op.Retries++;
        TriggerRefresh();
        _ = ResendAsync(op, reason);
    }

    /// <summary>Sends an operation created while no silo was known, once one is (or fails it at its deadline).</summary>
    public void SendWhenRouted(PendingOp op) => _ = ResendAsync(op, NoSiloError);

    /// <summary>
    /// Whether an operation may be sent again after a failure that does not prove it did not run: reads, and writes the
    /// silos deduplicate by request id, as long as the silos still remember them (<see cref="MaxResendAge"/>).
    /// </summary>
    private static bool CanRunAgain(PendingOp op, long now) =>
        CallFailures.IsReadOnly(op.Op.Code) || (op.IsIdentified && now - op.CreatedAt < (long)MaxResendAge.TotalMilliseconds);

    /// <summary>
    /// How long after its creation a write may still be sent again: well within the time partitions keep answers of a
    /// client that went quiet (two minutes), so a repeat is always recognised.
    /// </summary>
    internal static readonly TimeSpan MaxResendAge = TimeSpan.FromSeconds(60);

    private async Task ResendAsync(PendingOp op, Exception reason)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(ClientRetryPipelines.ResentOp, op);
        try
        {
            await _resend.ExecuteAsync(static (_, attempt) => ValueTask.FromResult(attempt.Router.TryResend(attempt.State)), context, (Router: this, State: new ResendAttempt(op, reason))).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// One turn of the resend loop (<see cref="ClientRetryPipelines.Resend"/> waits between turns): the first only backs
    /// off (the failed send stands for it); later ones fail the operation once the client is disposed or its deadline
    /// passed, queue it where its partition lives by then, or wait again while no silo is known.
    /// </summary>
    private ResendStep TryResend(ResendAttempt attempt)
    {
        var op = attempt.Op;
        if (!attempt.BackedOff)
        {
            attempt.BackedOff = true;
            return ResendStep.Wait;
        }

        if (_disposed)
        {
            op.Fail(new GridUnavailableException("The Grid client was disposed before the operation completed.", attempt.Reason));
            return ResendStep.Done;
        }

        if (op.IsExpired(Environment.TickCount64))
        {
            op.Fail(Timeouts.Expired(op, $"its last attempt failed: {attempt.Reason.Message}", attempt.Reason));
            return ResendStep.Done;
        }

        var byPartition = Table.ByPartition;
        if (byPartition.Length > 0)
        {
            LogRetry(_logger, op.Partition, op.Retries);
            var channel = byPartition[op.Partition];
            op.Channel = channel;
            channel.Enqueue(op);
            return ResendStep.Done;
        }

        attempt.Reason = NoSiloError;
        op.Retries++;
        TriggerRefresh();
        return ResendStep.Wait;
    }

    /// <summary>Refreshes in the background unless a refresh is already under way.</summary>
    public void TriggerRefresh()
    {
        if (!_disposed && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The periodic timer retries; callers see their own errors.
            LogRefreshFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void RescueStalledDeliveries()
    {
        int checks = (int)(ClientWatchdog.StallThreshold / ClientWatchdog.RescuePeriod);
        ForEveryChannel((Now: Environment.TickCount64, Checks: checks), static (channel, at) => channel.RescueStalled(at.Now, at.Checks));
    }

    private void CheckDeadlines() =>
        ForEveryChannel((Now: Environment.TickCount64, BatchTimeout: (long)BatchTimeout.TotalMilliseconds), static (channel, at) => channel.CheckDeadlines(at.Now, at.BatchTimeout));

    /// <summary>Runs <paramref name="action"/> on the channel of every silo in the table and of every silo still leaving it.</summary>
    private void ForEveryChannel<TState>(TState state, Action<SiloChannel, TState> action)
    {
        foreach (var channel in Table.Silos)
        {
            action(channel, state);
        }

        SiloChannel[] leaving;
        lock (_leaving)
        {
            leaving = _leaving.Count == 0 ? [] : [.. _leaving];
        }

        foreach (var channel in leaving)
        {
            action(channel, state);
        }
    }

    /// <summary>
    /// Silos that left the table keep their calls until membership declares them dead (a silo stopping gracefully
    /// still answers what it accepted). A silo declared dead will never answer: after a grace, every call still out to
    /// it is abandoned, and so is every call still out to any silo, since it may have travelled through the dead
    /// silo's gateway.
    /// </summary>
    private void HandleDeparted(SiloChannel[] previous, Dictionary<SiloAddress, SiloStatus> hosts)
    {
        var current = Table.Silos;
        List<SiloAddress>? died = null;
        List<SiloChannel>? deadChannels = null;
        bool graceful = false;
        lock (_leaving)
        {
            foreach (var channel in previous)
            {
                if (Find(current, channel.Silo) is null && !_leaving.Contains(channel))
                {
                    _leaving.Add(channel);
                }
            }

            for (int i = _leaving.Count - 1; i >= 0; i--)
            {
                var channel = _leaving[i];
                bool dead = !hosts.TryGetValue(channel.Silo, out var status) || status == SiloStatus.Dead;
                if (status is SiloStatus.ShuttingDown or SiloStatus.Stopping)
                {
                    channel.LeftGracefully = true;
                }

                if (dead)
                {
                    graceful |= channel.LeftGracefully;
                    (deadChannels ??= []).Add(channel);
                    _leaving.RemoveAt(i);
                }
            }

            lock (_gate)
            {
                foreach (var silo in _known)
                {
                    if (!hosts.TryGetValue(silo, out var status) || status == SiloStatus.Dead)
                    {
                        (died ??= []).Add(silo);
                    }
                }

                if (died is not null)
                {
                    foreach (var silo in died)
                    {
                        _known.Remove(silo);
                    }
                }
            }
        }

        if (died is null && deadChannels is null)
        {
            return;
        }

        long observedAt = Environment.TickCount64;
        var grace = graceful && died is null ? GracefulAbandonGrace : AbandonGrace;
        var channels = new List<SiloChannel>(current);
        if (deadChannels is not null)
        {
            channels.AddRange(deadChannels);
        }

        LogSilosDied(_logger, died is null ? "" : string.Join(", ", died));
        _ = AbandonAfterGraceAsync(channels, observedAt, grace);
        if (died is not null)
        {
            SilosDied?.Invoke(died);
        }
    }

    private static async Task AbandonAfterGraceAsync(List<SiloChannel> channels, long sentBefore, TimeSpan grace)
    {
        await Task.Delay(grace).ConfigureAwait(false);
        var reason = new GridUnavailableException("A silo died while the call was out; the call was abandoned and its operations sent again.");
        foreach (var channel in channels)
        {
            channel.AbandonSentBefore(sentBefore, reason);
        }
    }

    private SiloChannel CreateChannel(SiloAddress silo) =>
        new(silo, shard => _cluster.GetEntry(silo, shard), this, _options.MaxBatchSize, _options.MaxBatchesInFlight, Requests);

    private static SiloChannel? Find(SiloChannel[] channels, SiloAddress silo)
    {
        foreach (var channel in channels)
        {
            if (channel.Silo.Equals(silo))
            {
                return channel;
            }
        }

        return null;
    }

    private static bool SameSilos(SiloChannel[] channels, List<SiloAddress> silos)
    {
        if (channels.Length != silos.Count)
        {
            return false;
        }

        for (int i = 0; i < channels.Length; i++)
        {
            if (!channels[i].Silo.Equals(silos[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly GridUnavailableException NoSiloError = new("No active silo is known; the client is re-reading the cluster membership.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid routing now spans {SiloCount} silo(s)")]
    private static partial void LogRoutingChanged(ILogger logger, int siloCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid batch call to silo {Silo} failed; its operations are sent again where that is safe ({Held} more batch failures since the last such line, not logged)")]
    private static partial void LogBatchFailed(ILogger logger, Exception error, SiloAddress silo, int held);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A caller blocked the delivery of a batch answered by silo {Silo} for {StalledMs} ms (sync-over-async after an await of the grid?): its slot was freed and the rest of its callers completed elsewhere; callers of that silo's lane complete off the delivery thread for the next {PauseMs} ms. Awaiting instead of blocking keeps the faster inline delivery.")]
    private static partial void LogDeliveryStalled(ILogger logger, SiloAddress silo, long stalledMs, long pauseMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The delivery of a batch answered by silo {Silo} made no progress for {StalledMs} ms while its thread ran (a slow continuation, or a busy machine): its slot was freed and the rest of its callers completed elsewhere; callers of that silo's lane complete off the delivery thread for the next {PauseMs} ms")]
    private static partial void LogDeliverySlow(ILogger logger, SiloAddress silo, long stalledMs, long pauseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the Grid routing table failed; retrying on the next tick")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo(s) left the cluster ({Silos}): calls still out are abandoned after a grace and sent again")]
    private static partial void LogSilosDied(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grid op of partition {Partition} sent again (retry {Retry})")]
    private static partial void LogRetry(ILogger logger, int partition, int retry);
}
