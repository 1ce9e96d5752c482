using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Client.Routing;

/// <summary>
/// One batch call under way to a silo. Exactly one of two things ends it: its answer arrives (<see cref="TryFinish"/>),
/// or the client stops waiting for it (<see cref="TryAbandon"/>: too slow, or a silo on its way died) and sends its
/// operations again; whichever comes first owns the operations and the channel's slot, the other does nothing.
/// <para>
/// Once answered, its results are handed to the callers in turn (<see cref="TryTakeNext"/>), their continuations running
/// inline on the thread that takes them. Each result is taken exactly once, so when a caller blocks that thread
/// (<see cref="CheckedWithoutProgress"/>), the watchdog can hand out the rest; the slot is released exactly once
/// (<see cref="TryRelease"/>), by whoever gets there first: the delivery when it is done, or the rescue.
/// </para>
/// </summary>
internal sealed class InFlightBatch(PendingOp[] ops, long sentAt)
{
    private const int Running = 0;
    private const int Finished = 1;
    private const int Abandoned = 2;
    private int _state;

    // The answer's frame and where each operation's result starts in it: a result is decoded only when it is taken,
    // so an answer costs no array of decoded results (80 bytes per operation) beside the callers' own copies.
    private byte[]? _frame;
    private int[]? _starts;
    private int _next;
    private int _released;
    private int _takenAtLastCheck = -1;

    public PendingOp[] Ops { get; } = ops;

    /// <summary>When it was sent (<see cref="Environment.TickCount64"/> ms).</summary>
    public long SentAt { get; } = sentAt;

    /// <summary>The answer (or the call's failure) arrived first: the caller completes the operations.</summary>
    public bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

    /// <summary>Sent, and neither answered nor given up yet: the silo may still be running its operations.</summary>
    public bool IsAwaitingAnswer => Volatile.Read(ref _state) == Running;

    /// <summary>The client gives up waiting first: the caller sends the operations again; a late answer is ignored.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running;

    /// <summary>
    /// The answer, ready to be handed out: its result frame and where each operation's result starts in it, one per
    /// operation in order (checked readable by <see cref="ResultFrame.Skip"/>, so taking a result cannot fail).
    /// </summary>
    public void Answered(byte[] resultFrame, int[] starts)
    {
        _frame = resultFrame;
        Volatile.Write(ref _starts, starts);
    }

    /// <summary>Takes the next operation to complete and its result; false once every one was taken.</summary>
    public bool TryTakeNext(out PendingOp op, out GridResult result)
    {
        var starts = _starts!;
        int index = Interlocked.Increment(ref _next) - 1;
        if (index >= starts.Length)
        {
            op = null!;
            result = default;
            return false;
        }

        op = Ops[index];
        var reader = new FrameReader(_frame.AsSpan(starts[index]));
        result = ResultFrame.Read(ref reader);
        return true;
    }

    /// <summary>
    /// The watchdog's check of an answered batch whose delivery is not done (its slot not freed): counts the checks in a
    /// row that found no new result taken since the previous one; true once <paramref name="needed"/> did, i.e. a
    /// caller's continuation holds the delivering thread. Counting checks rather than time keeps a pause that stops the
    /// watchdog too (a garbage collection) from looking like a stall. Called by the watchdog only.
    /// </summary>
    public bool CheckedWithoutProgress(int needed)
    {
        if (Volatile.Read(ref _starts) is null || Volatile.Read(ref _released) != 0)
        {
            return false;
        }

        int taken = Volatile.Read(ref _next);
        if (taken != _takenAtLastCheck)
        {
            _takenAtLastCheck = taken;
            QuietChecks = 0;
            return false;
        }

        return ++QuietChecks >= needed;
    }

    /// <summary>Checks in a row that found the delivery where the previous one left it.</summary>
    public int QuietChecks { get; private set; }

    /// <summary>The thread handing the results out (the callers' continuations run on it), once the delivery started.</summary>
    public Thread? DeliveringThread { get; set; }

    /// <summary>
    /// Whether the delivering thread waits (a caller blocking on a task, a lock, a sleep), as opposed to running: a
    /// delivery that made no progress while its thread runs is a slow continuation or a thread the machine did not
    /// schedule, not sync-over-async. Diagnostic only (<see cref="Thread.ThreadState"/>), it picks the log message.
    /// </summary>
    public bool DeliveryIsWaiting => DeliveringThread is { } thread && (thread.ThreadState & ThreadState.WaitSleepJoin) != 0;

    /// <summary>True for the first caller only: that one frees the batch's slot.</summary>
    public bool TryRelease() => Interlocked.Exchange(ref _released, 1) == 0;
}
