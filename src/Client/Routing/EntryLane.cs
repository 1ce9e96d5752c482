using System.Diagnostics;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Grid.Tracing;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// Natural batching toward one data-plane entry activation of a silo (one lane of its <see cref="SiloChannel"/>): an operation goes out at once when fewer than <c>maxInFlight</c> batch calls are
/// under way; otherwise it queues, and when a call returns everything queued leaves together as the next call (a
/// multi-key call's range, or a queue longer than one batch, takes every free slot at once). No
/// timers on the hot path, so a lone operation never waits and a busy client sends few, full messages.
/// <para>
/// Every batch slot has its own bound: a call that takes longer than the router's batch timeout, or that may have
/// travelled through a silo that died, is abandoned (<see cref="AbandonSentBefore"/>): its slot is free for the next
/// batch at once, and its operations go again through the router (reads and writes with a request id are safe to run
/// again; the silos deduplicate writes). Queued operations whose deadline passed fail with
/// <see cref="GridTimeoutException"/> and are never sent.
/// </para>
/// </summary>
internal sealed class EntryLane
{
    private readonly Lock _gate = new();
    private readonly Queue<PendingOp> _queue = new();
    private readonly List<InFlightBatch> _inFlight;

    // Under _gate: which partitions have operations in batches still out, and the scratch lists of a drain around them.
    private readonly PartitionOrderGuard _order = new();
    private readonly ResendFence _fence;
    private readonly List<PendingOp> _drained = [];
    private readonly List<PendingOp> _kept = [];
    private readonly SiloChannel _owner;
    private readonly ISiloEntryGrain _entry;
    private readonly IBatchListener _listener;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly RequestSequencer? _requests;
    private bool _retired;

    // Environment.TickCount64 before which answered batches complete their callers each from a work item of their own
    // instead of inline: set by a rescue, since callers that blocked a delivery once (sync-over-async) likely will again.
    private long _inlineFrom;

    /// <summary>How long a lane completes callers from work items of their own after a caller blocked one of its deliveries.</summary>
    internal const long InlinePauseMs = 10_000;

    // Running estimate of result bytes per op (values read), to size batches before the answers are known.
    private int _responseBytesPerOp = 16;

    /// <summary>Target size of one batch's request plus response frames (under the 85,000-byte large object threshold).</summary>
    internal const int MaxBatchBytes = 60 * 1024;

    public EntryLane(SiloChannel owner, ISiloEntryGrain entry, IBatchListener listener, int maxBatch, int maxInFlight, RequestSequencer? requests)
    {
        _requests = requests;
        _owner = owner;
        _entry = entry;
        _listener = listener;
        _fence = listener.Fence;
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
        _inFlight = new List<InFlightBatch>(maxInFlight);
    }

    private SiloAddress Silo => _owner.Silo;

    /// <summary>Batch calls under way.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    public void Enqueue(PendingOp op)
    {
        InFlightBatch? batch;
        lock (_gate)
        {
            if (_retired)
            {
                batch = null;
            }
            else
            {
                _queue.Enqueue(op);
                batch = StartBatchLocked(Environment.TickCount64);
                op = null!;
            }
        }

        if (op is not null)
        {
            // The silo left the routing table meanwhile: the op goes to wherever its partition lives now.
            _listener.Resend(op, notRun: true, RetiredError);
            return;
        }

        Send(batch);
    }

    public void EnqueueRange(List<PendingOp> ops)
    {
        List<InFlightBatch>? batches = null;
        bool retired;
        lock (_gate)
        {
            retired = _retired;
            if (!retired)
            {
                foreach (var op in ops)
                {
                    _queue.Enqueue(op);
                }

                // A range (a multi-key call) may fill more than one batch: every free slot takes one now, so a bulk
                // write of several batches' worth travels in one round trip instead of one batch after another.
                batches = StartBatchesLocked(Environment.TickCount64);
            }
        }

        if (retired)
        {
            foreach (var op in ops)
            {
                _listener.Resend(op, notRun: true, RetiredError);
            }

            return;
        }

        SendAll(batches);
    }

    /// <summary>
    /// The silo left the routing table: nothing more is queued here, and what was queued (never sent) goes to the
    /// partitions' new homes now. Calls under way are left to <see cref="AbandonSentBefore"/>.
    /// </summary>
    public void Retire()
    {
        PendingOp[] queued;
        lock (_gate)
        {
            _retired = true;
            queued = _queue.ToArray();
            _queue.Clear();

            // Whatever of them goes again keeps its order: the calls still out (older) first, then the queue.
            FenceLocked(byPartition: null);
        }

        foreach (var op in queued)
        {
            _listener.Resend(op, notRun: true, RetiredError);
        }
    }

    /// <summary>
    /// Stops waiting for the calls sent at or before <paramref name="sentBefore"/> (<see cref="Environment.TickCount64"/> ms)
    /// that are still out: their operations go again through the router, and their slots take the next batches.
    /// </summary>
    public void AbandonSentBefore(long sentBefore, Exception reason)
    {
        List<InFlightBatch>? abandoned = null;
        List<InFlightBatch>? next = null;
        lock (_gate)
        {
            for (int i = _inFlight.Count - 1; i >= 0; i--)
            {
                var batch = _inFlight[i];
                if (batch.SentAt <= sentBefore && batch.TryAbandon())
                {
                    _inFlight.RemoveAt(i);
                    (abandoned ??= []).Add(batch);
                }
            }

            if (abandoned is not null)
            {
                // Fenced before anything queued behind them may leave, oldest call first (the list is newest first).
                for (int i = abandoned.Count - 1; i >= 0; i--)
                {
                    foreach (var op in abandoned[i].Ops)
                    {
                        _fence.Enter(op);
                    }
                }

                next = StartBatchesLocked(Environment.TickCount64);
            }
        }

        if (abandoned is null)
        {
            return;
        }

        foreach (var batch in abandoned)
        {
            foreach (var op in batch.Ops)
            {
                _listener.Resend(op, notRun: false, reason);
            }
        }

        SendAll(next);
    }

    /// <summary>
    /// The periodic check: abandons calls out longer than <paramref name="batchTimeout"/> ms, fails queued operations
    /// whose deadline passed at <paramref name="now"/> (their slots are stuck; they are never sent), and fails operations
    /// of calls still out whose deadline passed (the call keeps its slot until it returns or is abandoned).
    /// </summary>
    public void CheckDeadlines(long now, long batchTimeout)
    {
        bool stuck = false;
        List<PendingOp>? overdue = null;
        lock (_gate)
        {
            foreach (var batch in _inFlight)
            {
                stuck |= now - batch.SentAt >= batchTimeout;
                foreach (var op in batch.Ops)
                {
                    if (op.IsExpired(now) && !op.IsEnded)
                    {
                        (overdue ??= []).Add(op);
                    }
                }
            }

            if (HasExpiredLocked(now))
            {
                int count = _queue.Count;
                for (int i = 0; i < count; i++)
                {
                    var op = _queue.Dequeue();
                    if (op.IsExpired(now))
                    {
                        op.Fail(Timeouts.Expired(op, $"it waited in the client's queue for silo {Silo}, whose batch calls did not come back"));
                    }
                    else
                    {
                        _queue.Enqueue(op);
                    }
                }
            }
        }

        if (overdue is not null)
        {
            // The deadline is the caller's promise, the batch timeout only the slot's bound: a caller whose deadline
            // comes first hears at its deadline (a late answer then finds the op completed and changes nothing).
            foreach (var op in overdue)
            {
                op.Fail(Timeouts.Expired(op, $"its batch call to silo {Silo} had not come back"));
            }
        }

        if (stuck)
        {
            AbandonSentBefore(now - batchTimeout, new GridUnavailableException($"Silo {Silo} did not answer a batch call within {batchTimeout} ms; its operations were sent again."));
        }
    }

    private bool HasExpiredLocked(long now)
    {
        foreach (var op in _queue)
        {
            if (op.IsExpired(now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A batch to send now when fewer than the maximum are in flight; otherwise the queue waits for a returning call.</summary>
    private InFlightBatch? StartBatchLocked(long now)
    {
        while (_inFlight.Count < _maxInFlight && _queue.Count > 0)
        {
            if (DrainLocked(now, out bool held) is { } ops)
            {
                var batch = new InFlightBatch(ops, now);
                _inFlight.Add(batch);
                return batch;
            }

            if (held)
            {
                // What is queued waits for a batch still out (PartitionOrderGuard); its answer starts the next batch.
                return null;
            }
        }

        return null;
    }

    private List<InFlightBatch>? StartBatchesLocked(long now)
    {
        List<InFlightBatch>? started = null;
        while (StartBatchLocked(now) is { } batch)
        {
            (started ??= []).Add(batch);
        }

        return started;
    }

    private void Send(InFlightBatch? batch)
    {
        if (batch is not null)
        {
            _ = RunAsync(batch);
        }
    }

    private void SendAll(List<InFlightBatch>? batches)
    {
        if (batches is not null)
        {
            foreach (var batch in batches)
            {
                _ = RunAsync(batch);
            }
        }
    }

    /// <summary>
    /// Takes the next batch: up to <c>maxBatch</c> ops, and no more than about <see cref="MaxBatchBytes"/> of request
    /// plus expected response, so frames stay off the large object heap (a 64-op batch of 4 KiB values would
    /// otherwise make 256 KiB arrays and gen-2 collections). Ops whose deadline passed fail instead of leaving. An op that
    /// must wait for a batch still out (<see cref="PartitionOrderGuard"/>) stays queued, and so does every later op of its
    /// partition; what stays keeps its order. Null when every op taken had expired, or (<paramref name="held"/>) when
    /// every op left must wait for a batch still out.
    /// </summary>
    private PendingOp[]? DrainLocked(long now, out bool held)
    {
        MarkOpsUnderWayLocked();
        held = false;
        int limit = Math.Min(_maxBatch, _listener.MaxOpsPerCall);
        long bytes = 0;
        _drained.Clear();
        _kept.Clear();
        while (_queue.Count > 0)
        {
            var pending = _queue.Peek();
            if (pending.IsExpired(now))
            {
                _queue.Dequeue();
                pending.Fail(Timeouts.Expired(pending, $"it waited in the client's queue for silo {Silo}"));
                continue;
            }

            if (MustWaitLocked(pending))
            {
                _queue.Dequeue();
                _order.Block(pending);
                _kept.Add(pending);
                held = true;
                continue;
            }

            long next = bytes + pending.EstimatedBytes + _responseBytesPerOp;
            if (_drained.Count == limit || (_drained.Count > 0 && next > MaxBatchBytes))
            {
                break;
            }

            bytes = next;
            _drained.Add(_queue.Dequeue());
        }

        if (_kept.Count > 0)
        {
            // The held ops go back in front of the rest, in their order: to the back, then the rest rotated behind them.
            int rest = _queue.Count;
            foreach (var pending in _kept)
            {
                _queue.Enqueue(pending);
            }

            for (int i = 0; i < rest; i++)
            {
                _queue.Enqueue(_queue.Dequeue());
            }

            _kept.Clear();
        }

        var batch = _drained.Count == 0 ? null : _drained.ToArray();
        _drained.Clear();
        return batch;
    }

    /// <summary>
    /// Whether <paramref name="pending"/> waits: behind an older operation of its partition that goes again
    /// (<see cref="ResendFence"/>); or, for one that goes again itself, behind a conflicting batch still out only (it is
    /// older than anything of its partition held here); otherwise as <see cref="PartitionOrderGuard"/> says.
    /// </summary>
    private bool MustWaitLocked(PendingOp pending)
    {
        if (_fence.IsActive && _fence.MustWait(pending))
        {
            return true;
        }

        return pending.Fence is not null ? _order.ConflictsWithBatchesOut(pending) : _order.MustWait(pending);
    }

    /// <summary>
    /// Fences (<see cref="ResendFence"/>) the operations here whose partition the new routing
    /// (<paramref name="byPartition"/>) sends to another silo: those of calls still out (oldest call first), then those
    /// queued, so that whatever of them goes again keeps its order and nothing newer of their partitions, sent to the new
    /// silo, overtakes them.
    /// </summary>
    public void FenceMoved(SiloChannel[] byPartition)
    {
        lock (_gate)
        {
            FenceLocked(byPartition);
        }
    }

    /// <summary>Drains the queue again (operations that waited for a fenced operation that ended).</summary>
    public void Kick()
    {
        List<InFlightBatch>? next;
        lock (_gate)
        {
            next = _queue.Count > 0 ? StartBatchesLocked(Environment.TickCount64) : null;
        }

        SendAll(next);
    }

    /// <summary>Fences the operations here (calls still out first, then the queue) whose partition moved, or all (<paramref name="byPartition"/> null).</summary>
    private void FenceLocked(SiloChannel[]? byPartition)
    {
        foreach (var batch in _inFlight)
        {
            foreach (var op in batch.Ops)
            {
                if (!op.IsEnded && Moved(op, byPartition))
                {
                    _fence.Enter(op);
                }
            }
        }

        foreach (var op in _queue)
        {
            if (Moved(op, byPartition))
            {
                _fence.Enter(op);
            }
        }
    }

    private bool Moved(PendingOp op, SiloChannel[]? byPartition) =>
        byPartition is null || (uint)op.Partition >= (uint)byPartition.Length || !ReferenceEquals(byPartition[op.Partition], _owner);

    /// <summary>Marks the partitions of the operations in batches still out (none when no batch is out: nothing waits).</summary>
    private void MarkOpsUnderWayLocked()
    {
        _order.Reset();
        foreach (var batch in _inFlight)
        {
            if (batch.IsAwaitingAnswer)
            {
                foreach (var op in batch.Ops)
                {
                    _order.Mark(op);
                }
            }
        }
    }

    private async Task RunAsync(InFlightBatch batch)
    {
        SiloBatchResult answer;
        var span = GridActivities.IsTracing ? BatchSpan.Start(batch.Ops, Silo) : null;
        try
        {
            answer = await Call(batch.Ops, span).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GridActivities.Failed(span, ex);
            span?.Dispose();
            if (batch.TryFinish())
            {
                Failed(batch.Ops, ex);
                Release(batch);
            }

            return;
        }

        span?.Dispose();
        if (!batch.TryFinish())
        {
            // Abandoned meanwhile: its operations were sent again; this late answer is not theirs to give.
            return;
        }

        if (answer.Moved is { Length: > 0 } moved)
        {
            _listener.OnPartitionsMoved(moved);
        }

        Volatile.Write(ref _responseBytesPerOp, AnswerSizeEstimate.Next(_responseBytesPerOp, answer.ResultFrame.Length, batch.Ops.Length));
        if (ResultStarts(batch.Ops, answer.ResultFrame, Silo) is not { } starts)
        {
            Release(batch);
            return;
        }

        // Orleans runs this continuation as a thread-pool work item of its own (its response source completes
        // asynchronously), not on its connection's receive loop, so callers' continuations may run here.
        batch.Answered(answer.ResultFrame, starts);
        Deliver(batch);
    }

    /// <summary>
    /// Hands each caller of an answered batch its result, callers' continuations running inline, then frees the slot, so
    /// what those continuations sent meanwhile leaves together as the next batch. When a caller holds this thread,
    /// <see cref="RescueStalled"/> frees the slot and hands out the rest; for a while after that, this lane completes
    /// every caller from a work item of its own (as the rest of the client always does).
    /// </summary>
    private void Deliver(InFlightBatch batch)
    {
        batch.DeliveringThread = Thread.CurrentThread;
        bool inline = Environment.TickCount64 >= Volatile.Read(ref _inlineFrom);
        while (batch.TryTakeNext(out var pending, out var result))
        {
            if (result.Status == ResultStatus.NotHere)
            {
                // The partition was moving or its silo unreachable: the op did not run, and goes again to its new home.
                _listener.Resend(pending, notRun: true, NotHereError);
            }
            else if (inline)
            {
                pending.CompleteInBatch(result);
            }
            else
            {
                pending.Complete(result);
            }
        }

        if (batch.TryRelease())
        {
            Release(batch);
        }
    }

    /// <summary>
    /// The watchdog's quick check, every <see cref="ClientWatchdog.RescuePeriod"/>. A batch whose delivery made no
    /// progress over <paramref name="checks"/> checks in a row has a caller's continuation blocking the delivering thread
    /// (sync-over-async, perhaps waiting for an operation queued behind this very slot): its slot is freed, every result
    /// not yet handed out goes to its caller from a work item of its own (here, on the watchdog's thread, nothing can
    /// block), and the lane stops completing callers inline for <see cref="InlinePauseMs"/>, so such callers cost one
    /// stall, not one per batch. <paramref name="now"/> (<see cref="Environment.TickCount64"/>) starts that pause.
    /// </summary>
    public void RescueStalled(long now, int checks)
    {
        List<InFlightBatch>? stalled = null;
        lock (_gate)
        {
            foreach (var batch in _inFlight)
            {
                if (batch.CheckedWithoutProgress(checks))
                {
                    (stalled ??= []).Add(batch);
                }
            }
        }

        if (stalled is null)
        {
            return;
        }

        Volatile.Write(ref _inlineFrom, now + InlinePauseMs);
        _listener.OnDeliveryStalled(Silo, stalled[0].QuietChecks * (long)ClientWatchdog.RescuePeriod.TotalMilliseconds, InlinePauseMs, stalled[0].DeliveryIsWaiting);
        foreach (var batch in stalled)
        {
            if (batch.TryRelease())
            {
                Release(batch);
            }

            // Inline is off now: the rest of the batch completes from work items.
            Deliver(batch);
        }
    }

    /// <summary>Sends the batch; a traced one carries its span's context to the silo in the request context.</summary>
    private Task<SiloBatchResult> Call(PendingOp[] ops, Activity? span)
    {
        if (span is null)
        {
            return _entry.Execute(EncodeBatch(ops));
        }

        using (GridActivities.Inject(span))
        {
            return _entry.Execute(EncodeBatch(ops));
        }
    }

    /// <summary>The batch's slot is free: the next queued operations leave now (in every free slot).</summary>
    private void Release(InFlightBatch batch)
    {
        List<InFlightBatch>? next;
        lock (_gate)
        {
            _inFlight.Remove(batch);
            next = _queue.Count > 0 ? StartBatchesLocked(Environment.TickCount64) : null;
        }

        SendAll(next);
    }

    private void Failed(PendingOp[] batch, Exception error)
    {
        if (error is GridBusyException or ArgumentException)
        {
            // Refused by a limit before anything ran: the caller learns it at once (no retry, no rerouting).
            foreach (var pending in batch)
            {
                pending.Fail(error);
            }

            return;
        }

        _listener.OnBatchFailed(_owner, error);
        bool notRun = CallFailures.ProvesNotRun(error);
        foreach (var pending in batch)
        {
            _listener.Resend(pending, notRun, error);
        }
    }

    private byte[] EncodeBatch(PendingOp[] batch)
    {
        int trackingSlot = _owner.TrackingSlot;
        using var frame = new FrameBuffer(32 + batch.Length * 64);
        OpFrame.WriteHeader(frame, batch.Length, trackingSlot, _requests?.Origin ?? default);
        foreach (var pending in batch)
        {
            OpFrame.Write(frame, pending.Op);
        }

        return frame.ToArray();
    }

    /// <summary>
    /// Checks the answer's results, one per operation, and returns where each starts in the frame (decoded as handed
    /// out); null when the answer cannot be used, after failing every operation with the reason (its callers learn it
    /// now instead of at their deadline).
    /// </summary>
    private static int[]? ResultStarts(PendingOp[] batch, byte[] resultFrame, SiloAddress silo)
    {
        try
        {
            var reader = new FrameReader(resultFrame);
            int count = ResultFrame.ReadHeader(ref reader);
            if (count != batch.Length)
            {
                FailAll(batch, new GridException($"Silo {silo} answered {count} results for {batch.Length} operations."));
                return null;
            }

            var starts = new int[count];
            for (int i = 0; i < starts.Length; i++)
            {
                starts[i] = ResultFrame.Skip(ref reader).Start;
            }

            return starts;
        }
        catch (FormatException unreadable)
        {
            // An answer this client cannot read (a silo of another release, a damaged frame).
            FailAll(batch, new GridException($"The answer of silo {silo} could not be read: {unreadable.Message}", unreadable));
            return null;
        }
    }

    private static void FailAll(PendingOp[] batch, GridException error)
    {
        foreach (var pending in batch)
        {
            pending.Fail(error);
        }
    }

    private static readonly GridUnavailableException RetiredError = new("The silo left the cluster before the operation was sent.");

    private static readonly GridUnavailableException NotHereError = new("The partition was not live on the silo the client chose; it moved or its silo could not be reached.");
}
