using System.Security.Cryptography;
using Grid.Protocol.Wire;

namespace Grid.Client.Routing;

/// <summary>
/// Numbers this client's writes (request ids) and tracks the number below which all of them have completed, which
/// frames carry so partitions forget the answers they kept for retries. A ring of the last
/// <see cref="MaxOutstanding"/> numbers records completions without locks: slot <c>id % size</c> holds the id once it
/// completed, so the low mark advances over consecutive completed ids and never mistakes an older lap for a newer one.
/// The window is counted from the oldest write not yet answered, so one write held up (a frozen silo, until it is
/// declared dead) holds room for every newer one: callers that find it full wait for room within their deadline
/// (<see cref="TryReserve"/>, <see cref="WaitForRoomAsync"/>) instead of failing.
/// </summary>
internal sealed class RequestSequencer
{
    /// <summary>Writes one client may have outstanding at once (beyond it, writes fail fast with <see cref="GridBusyException"/>).</summary>
    public const int MaxOutstanding = 1 << 16;

    private const long Mask = MaxOutstanding - 1;
    private readonly long[] _completed = new long[MaxOutstanding];
    private long _last;
    private long _low = 1;

    // Callers waiting for room in the window: completed (and cleared) each time the low mark moves. Null when none wait,
    // so a completion costs one read more.
    private TaskCompletionSource? _room;

    /// <summary>This client instance's random id (never 0).</summary>
    public ulong ClientId { get; } = NewClientId();

    /// <summary>Every id below this one has completed.</summary>
    public long CompletedBelow => Volatile.Read(ref _low);

    /// <summary>Frames' request origin now.</summary>
    public RequestOrigin Origin => new(ClientId, CompletedBelow);

    /// <summary>The next id. Throws <see cref="GridBusyException"/> when <see cref="MaxOutstanding"/> writes are still outstanding.</summary>
    public long Next()
    {
        // A refused write takes no id: every id handed out stays within MaxOutstanding of the low mark, so no two
        // outstanding ids share a ring slot. (An id taken and then refused shared the slot of the oldest outstanding
        // one; that id's completion overwrote it, and the low mark stopped there for good.)
        return TryReserve(1, out long id)
            ? id
            : throw new GridBusyException($"This client has {MaxOutstanding} writes outstanding (the grid is not keeping up, or a silo is unreachable); the write was not sent.");
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive ids, the first in <paramref name="first"/>, when the window has room for
    /// all of them; otherwise takes none and returns false (wait with <see cref="WaitForRoomAsync"/>, then try again).
    /// </summary>
    public bool TryReserve(int count, out long first)
    {
        while (true)
        {
            long last = Volatile.Read(ref _last);
            if (last + count - Volatile.Read(ref _low) >= MaxOutstanding)
            {
                first = 0;
                return false;
            }

            if (Interlocked.CompareExchange(ref _last, last + count, last) == last)
            {
                first = last + 1;
                return true;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive ids and returns the first, waiting for room in the window (see
    /// <see cref="WaitForRoomAsync"/> for how that ends) when it is full. Completes at once while there is room.
    /// </summary>
    public ValueTask<long> ReserveAsync(int count, long deadline, CancellationToken cancellationToken = default) =>
        TryReserve(count, out long first) ? new(first) : new(ReserveWhenRoomAsync(count, deadline, cancellationToken));

    /// <summary>
    /// Waits until the window has room for <paramref name="count"/> more writes (then <see cref="TryReserve"/> them; other
    /// callers may take the room first). Throws <see cref="GridBusyException"/> at once when <paramref name="count"/> is
    /// more than the window holds, and <see cref="GridTimeoutException"/> when <paramref name="deadline"/>
    /// (<see cref="Environment.TickCount64"/> ms) passes first.
    /// </summary>
    public async Task WaitForRoomAsync(int count, long deadline, CancellationToken cancellationToken = default)
    {
        if (count > MaxOutstanding)
        {
            throw new GridBusyException($"One call of {count} writes is more than a client may have outstanding ({MaxOutstanding}); split it into smaller calls. Nothing was sent.");
        }

        while (!HasRoomFor(count))
        {
            var room = Volatile.Read(ref _room);
            if (room is null)
            {
                var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = Interlocked.CompareExchange(ref _room, fresh, null) ?? fresh;
            }

            // Checked again once registered: a completion that moved the mark before it saw the waiter woke nobody.
            if (HasRoomFor(count))
            {
                return;
            }

            long left = deadline - Environment.TickCount64;
            try
            {
                if (left <= 0)
                {
                    throw new TimeoutException();
                }

                await room.Task.WaitAsync(TimeSpan.FromMilliseconds(left), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException timeout)
            {
                throw new GridTimeoutException(
                    $"{count} write(s) waited their whole deadline (GridClientOptions.OperationTimeout or the call's own) for room among this client's " +
                    $"{MaxOutstanding} outstanding writes, counted from its oldest unanswered one (the grid is not keeping up, or a silo is unreachable). Nothing was sent.",
                    timeout);
            }
        }
    }

    private async Task<long> ReserveWhenRoomAsync(int count, long deadline, CancellationToken cancellationToken)
    {
        long first;
        do
        {
            // Other callers may take the room first; then this one waits again.
            await WaitForRoomAsync(count, deadline, cancellationToken).ConfigureAwait(false);
        }
        while (!TryReserve(count, out first));

        return first;
    }

    /// <summary>Records that request <paramref name="id"/> completed (answered or given up); idempotent.</summary>
    public void Completed(long id)
    {
        // A full fence between publishing the id and reading the mark: with a plain store, two ids completing at once
        // could each miss the other's write (store-load reordering), and the mark would stop short of both.
        Interlocked.Exchange(ref _completed[id & Mask], id);
        bool moved = false;
        while (true)
        {
            long low = Volatile.Read(ref _low);
            if (low > Volatile.Read(ref _last) || Volatile.Read(ref _completed[low & Mask]) != low)
            {
                break;
            }

            moved |= Interlocked.CompareExchange(ref _low, low + 1, low) == low;
        }

        if (moved && Volatile.Read(ref _room) is { } room && Interlocked.CompareExchange(ref _room, null, room) == room)
        {
            room.TrySetResult();
        }
    }

    private bool HasRoomFor(int count) => Volatile.Read(ref _last) + count - Volatile.Read(ref _low) < MaxOutstanding;

    private static ulong NewClientId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BitConverter.ToUInt64(bytes);
        }
        while (id == 0);
        return id;
    }
}
