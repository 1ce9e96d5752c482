using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// Natural batching toward one silo: an operation goes out at once when fewer than <c>maxInFlight</c> batch calls are
/// under way; otherwise it queues, and when a call returns everything queued leaves together as the next call. No
/// timers, so a lone operation never waits and a busy client sends few, full messages.
/// </summary>
internal sealed class SiloChannel
{
    private readonly Lock _gate = new();
    private readonly Queue<PendingOp> _queue = new();
    private readonly ISiloEntryGrain _entry;
    private readonly IBatchListener _listener;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly CancellationTokenSource _abandoned = new();
    private int _inFlight;

    // Running estimate of result bytes per op (values read), to size batches before the answers are known.
    private int _responseBytesPerOp = 16;

    /// <summary>Target size of one batch's request plus response frames (under the 85,000-byte large object threshold).</summary>
    internal const int MaxBatchBytes = 60 * 1024;

    public SiloChannel(SiloAddress silo, ISiloEntryGrain entry, IBatchListener listener, int maxBatch, int maxInFlight)
    {
        Silo = silo;
        _entry = entry;
        _listener = listener;
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
    }

    public SiloAddress Silo { get; }

    public ISiloEntryGrain Entry => _entry;

    /// <summary>This client's near-cache tracking slot on the silo (-1: reads from it are not kept in the near cache).</summary>
    public int TrackingSlot { get; set; } = -1;

    /// <summary>The epoch of the silo's near-cache hub when this client subscribed.</summary>
    public long NearCacheEpoch { get; set; }

    /// <summary>How long calls still out to a silo declared dead may take to come back before they are abandoned.</summary>
    internal static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The same for a silo seen shutting down before it died: it answered what it accepted, so a late answer is still in
    /// transit (a busy client may not have read it yet) and is worth a longer wait than a crashed silo's.
    /// </summary>
    internal static readonly TimeSpan GracefulAbandonGrace = TimeSpan.FromSeconds(5);

    /// <summary>The silo was seen shutting down (not crashing) before it left.</summary>
    public bool LeftGracefully { get; set; }

    /// <summary>
    /// The silo was declared dead: stop waiting for calls still out to it (Orleans would wait for the response timeout).
    /// Calls that Orleans rejects or re-routes come back within the grace period; after it, writes still out may or
    /// may not have run, so they fail, and reads go again elsewhere.
    /// </summary>
    public void Abandon() => _abandoned.CancelAfter(LeftGracefully ? GracefulAbandonGrace : AbandonGrace);

    public void Enqueue(PendingOp op)
    {
        PendingOp[]? batch;
        lock (_gate)
        {
            _queue.Enqueue(op);
            batch = StartBatchLocked();
        }

        Send(batch);
    }

    public void EnqueueRange(List<PendingOp> ops)
    {
        PendingOp[]? batch;
        lock (_gate)
        {
            foreach (var op in ops)
            {
                _queue.Enqueue(op);
            }

            batch = StartBatchLocked();
        }

        Send(batch);
    }

    /// <summary>A batch to send now when fewer than the maximum are in flight; otherwise the queue waits for a returning call.</summary>
    private PendingOp[]? StartBatchLocked()
    {
        if (_inFlight >= _maxInFlight)
        {
            return null;
        }

        _inFlight++;
        return DrainLocked();
    }

    private void Send(PendingOp[]? batch)
    {
        if (batch is not null)
        {
            _ = RunAsync(batch);
        }
    }

    /// <summary>
    /// Takes the next batch: up to <c>maxBatch</c> ops, and no more than about <see cref="MaxBatchBytes"/> of request
    /// plus expected response, so frames stay off the large object heap (a 64-op batch of 4 KiB values would
    /// otherwise make 256 KiB arrays and gen-2 collections).
    /// </summary>
    private PendingOp[] DrainLocked()
    {
        int count = 0;
        long bytes = 0;
        int limit = Math.Min(_queue.Count, Math.Min(_maxBatch, _listener.MaxOpsPerCall));
        foreach (var pending in _queue)
        {
            bytes += pending.EstimatedBytes + _responseBytesPerOp;
            if (count == limit || (count > 0 && bytes > MaxBatchBytes))
            {
                break;
            }

            count++;
        }

        var batch = new PendingOp[count];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = _queue.Dequeue();
        }

        return batch;
    }

    private async Task RunAsync(PendingOp[] batch)
    {
        while (true)
        {
            await SendAsync(batch).ConfigureAwait(false);
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                batch = DrainLocked();
            }
        }
    }

    private async Task SendAsync(PendingOp[] batch)
    {
        SiloBatchResult answer;
        try
        {
            answer = await _entry.Execute(EncodeBatch(batch)).WaitAsync(_abandoned.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is GridBusyException or ArgumentException)
            {
                // Refused by a limit before anything ran: the caller learns it at once (no retry, no rerouting).
                foreach (var pending in batch)
                {
                    pending.TrySetException(ex);
                }

                return;
            }

            if (ex is OperationCanceledException && _abandoned.IsCancellationRequested)
            {
                ex = new GridUnavailableException($"Silo {Silo} died while this call was out: a write in it may or may not have been applied.", ex);
            }

            var error = _listener.OnBatchFailed(this, ex);
            bool notRun = CallFailures.ProvesNotRun(ex);
            foreach (var pending in batch)
            {
                if (!_listener.TryRetry(pending, notRun))
                {
                    pending.Fail(error);
                }
            }

            return;
        }

        if (answer.Moved is { Length: > 0 } moved)
        {
            _listener.OnPartitionsMoved(moved);
        }

        // Moves the estimate a quarter of the way to this batch's figure: quick to follow, not jumpy.
        int perOp = answer.ResultFrame.Length / batch.Length;
        Volatile.Write(ref _responseBytesPerOp, _responseBytesPerOp + ((perOp - _responseBytesPerOp) / 4));
        CompleteBatch(batch, answer.ResultFrame, _listener);
    }

    private byte[] EncodeBatch(PendingOp[] batch)
    {
        int trackingSlot = TrackingSlot;
        using var frame = new FrameBuffer(32 + batch.Length * 64);
        OpFrame.WriteHeader(frame, batch.Length, trackingSlot);
        foreach (var pending in batch)
        {
            OpFrame.Write(frame, pending.Op);
        }

        return frame.ToArray();
    }

    /// <summary>
    /// Hands each caller its result. Callers' continuations run inline here, so a caller that issues its next
    /// operation right away queues it for this channel's next batch instead of costing a thread-pool hop per result.
    /// </summary>
    private static void CompleteBatch(PendingOp[] batch, byte[] resultFrame, IBatchListener listener)
    {
        var reader = new FrameReader(resultFrame);
        int count = ResultFrame.ReadHeader(ref reader);
        if (count != batch.Length)
        {
            var error = new GridException($"The silo answered {count} results for {batch.Length} operations.");
            foreach (var pending in batch)
            {
                pending.Fail(error);
            }

            return;
        }

        foreach (var pending in batch)
        {
            var result = ResultFrame.Read(ref reader);
            if (result.Status == ResultStatus.NotHere && listener.TryRetry(pending, notRun: true))
            {
                // The partition was moving or its silo unreachable: the op did not run, and goes again to its new home.
                continue;
            }

            pending.Complete(result);
        }
    }
}

/// <summary>What a channel reports to its router.</summary>
internal interface IBatchListener
{
    /// <summary>The cluster's bound on operations per request (its MaxKeysPerCall); batches never exceed it.</summary>
    int MaxOpsPerCall { get; }

    /// <summary>A batch call failed; returns the exception to give its callers.</summary>
    Exception OnBatchFailed(SiloChannel channel, Exception error);

    /// <summary>The silo told where partitions it does not hold live.</summary>
    void OnPartitionsMoved(PartitionLocation[] moved);

    /// <summary>
    /// Sends <paramref name="op"/> again (later, to wherever its partition lives then) when that is safe: it surely did
    /// not run (<paramref name="notRun"/>), or it only reads. False when the caller should get the failure.
    /// </summary>
    bool TryRetry(PendingOp op, bool notRun);
}
