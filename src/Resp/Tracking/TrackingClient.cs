using Grid.Resp.Protocol;

namespace Grid.Resp.Tracking;

/// <summary>
/// One connection's client-side-caching state (<c>CLIENT TRACKING</c>): its mode, its prefixes (BCAST), the keys it is
/// tracked for (default mode), and its outbox of invalidations. Pushes arrive on any thread; the connection writes them
/// between reads, always after the replies of the commands it was running (so an invalidation that raced a read never
/// reaches the client before that read's reply: the client drops the value it just got, never keeps a stale one).
/// </summary>
internal sealed class TrackingClient(long id, Action wake)
{
    /// <summary>Invalidations waiting in the outbox before they are replaced by one "flush everything" (a client that does not read).</summary>
    public const int MaxOutbox = 10_000;

    private readonly Lock _gate = new();
    private List<byte[]?> _outbox = [];
    private List<byte[]?> _writing = [];

    /// <summary>The connection's id.</summary>
    public long Id { get; } = id;

    /// <summary>Tracking is on.</summary>
    public bool Enabled { get; set; }

    /// <summary>BCAST mode: every change under <see cref="Prefixes"/>, read or not.</summary>
    public bool Broadcast { get; set; }

    /// <summary>NOLOOP was asked (accepted; the connection still hears of its own writes, see README).</summary>
    public bool NoLoop { get; set; }

    /// <summary>BCAST prefixes (an empty one: every key).</summary>
    public byte[][] Prefixes { get; set; } = [];

    /// <summary>Default mode: the keys (Latin-1 text of their bytes) this connection is tracked for; guarded by the endpoint's table lock.</summary>
    internal HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> starts with one of the BCAST prefixes.</summary>
    public bool Matches(ReadOnlySpan<byte> key)
    {
        foreach (var prefix in Prefixes)
        {
            if (key.StartsWith(prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Queues an invalidation of <paramref name="key"/> (null: everything) and wakes the connection.</summary>
    public void Push(byte[]? key)
    {
        bool first;
        lock (_gate)
        {
            first = _outbox.Count == 0;
            if (_outbox.Count >= MaxOutbox)
            {
                // Too many to send one by one: one "drop everything" says the same.
                _outbox.Clear();
                key = null;
            }

            if (key is null && _outbox is [null])
            {
                return;
            }

            _outbox.Add(key);
        }

        if (first)
        {
            wake();
        }
    }

    /// <summary>Writes the queued invalidations as RESP3 push frames (RESP2 connections get none, as in Redis without REDIRECT).</summary>
    public void WritePushes(RespWriter writer)
    {
        lock (_gate)
        {
            if (_outbox.Count == 0)
            {
                return;
            }

            (_outbox, _writing) = (_writing, _outbox);
        }

        if (writer.Protocol == 3)
        {
            foreach (var key in _writing)
            {
                // >2 invalidate [key] (one key a frame, as Redis sends them), or >2 invalidate _ (drop everything).
                writer.WriteRaw(">2\r\n$10\r\ninvalidate\r\n"u8);
                if (key is null)
                {
                    writer.WriteRaw("_\r\n"u8);
                }
                else
                {
                    writer.WriteArrayHeader(1);
                    writer.WriteBulk(key);
                }
            }
        }

        _writing.Clear();
    }
}
