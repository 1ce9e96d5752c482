namespace Grid.Client.Routing;

/// <summary>
/// One batch call under way to a silo. Exactly one of two things ends it: its answer arrives (<see cref="TryFinish"/>),
/// or the client stops waiting for it (<see cref="TryAbandon"/>: too slow, or a silo on its way died) and sends its
/// operations again; whichever comes first owns the operations and the channel's slot, the other does nothing.
/// </summary>
internal sealed class InFlightBatch(PendingOp[] ops, long sentAt)
{
    private const int Running = 0;
    private const int Finished = 1;
    private const int Abandoned = 2;
    private int _state;

    public PendingOp[] Ops { get; } = ops;

    /// <summary>When it was sent (<see cref="Environment.TickCount64"/> ms).</summary>
    public long SentAt { get; } = sentAt;

    /// <summary>The answer (or the call's failure) arrived first: the caller completes the operations.</summary>
    public bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

    /// <summary>The client gives up waiting first: the caller sends the operations again; a late answer is ignored.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running;
}
