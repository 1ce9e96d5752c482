using System.Security.Cryptography;
using Grid.Protocol.Wire;

namespace Grid.Client.Routing;

/// <summary>
/// Numbers this client's writes (request ids) and tracks the number below which all of them have completed, which
/// frames carry so partitions forget the answers they kept for retries. A ring of the last
/// <see cref="MaxOutstanding"/> numbers records completions without locks: slot <c>id % size</c> holds the id once it
/// completed, so the low mark advances over consecutive completed ids and never mistakes an older lap for a newer one.
/// </summary>
internal sealed class RequestSequencer
{
    /// <summary>Writes one client may have outstanding at once (beyond it, writes fail fast with <see cref="GridBusyException"/>).</summary>
    public const int MaxOutstanding = 1 << 16;

    private const long Mask = MaxOutstanding - 1;
    private readonly long[] _completed = new long[MaxOutstanding];
    private long _last;
    private long _low = 1;

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
        while (true)
        {
            long last = Volatile.Read(ref _last);
            if (last + 1 - Volatile.Read(ref _low) >= MaxOutstanding)
            {
                throw new GridBusyException($"This client has {MaxOutstanding} writes outstanding (the grid is not keeping up, or a silo is unreachable); the write was not sent.");
            }

            if (Interlocked.CompareExchange(ref _last, last + 1, last) == last)
            {
                return last + 1;
            }
        }
    }

    /// <summary>Records that request <paramref name="id"/> completed (answered or given up); idempotent.</summary>
    public void Completed(long id)
    {
        // A full fence between publishing the id and reading the mark: with a plain store, two ids completing at once
        // could each miss the other's write (store-load reordering), and the mark would stop short of both.
        Interlocked.Exchange(ref _completed[id & Mask], id);
        while (true)
        {
            long low = Volatile.Read(ref _low);
            if (low > Volatile.Read(ref _last) || Volatile.Read(ref _completed[low & Mask]) != low)
            {
                return;
            }

            Interlocked.CompareExchange(ref _low, low + 1, low);
        }
    }

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
