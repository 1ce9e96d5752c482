namespace Grid.Fault.Tests.Workload;

/// <summary>
/// The acknowledged-write log of one key. Its writer is the only one that writes the key, one write at a time, so
/// acknowledgements come in seq order. The writer calls <see cref="BeginWrite"/> before sending a write and
/// <see cref="Acknowledge"/> once the call returned; readers take <see cref="LastAcknowledged"/> before they start a
/// read (so every seq it returns was acknowledged before the read started) and <see cref="Attempted"/> after it ended
/// (so every value the grid may hold by then was attempted).
/// </summary>
internal sealed class KeyLedger(string key, int writer, int index)
{
    private readonly Lock _gate = new();
    private long[] _ackSeqs = new long[256];
    private long[] _ackTimes = new long[256];
    private int _ackCount;
    private long _lastAcknowledged;
    private long _attempted;

    public string Key { get; } = key;

    public int Writer { get; } = writer;

    public int Index { get; } = index;

    /// <summary>The last seq acknowledged (0: none yet).</summary>
    public long LastAcknowledged => Volatile.Read(ref _lastAcknowledged);

    /// <summary>The highest seq ever sent (0: none yet).</summary>
    public long Attempted => Volatile.Read(ref _attempted);

    /// <summary>
    /// Set when a write to the key stalled past the harness bound and was abandoned: it may still land, so the writer
    /// sends no newer write (that would race it) and the key's last acknowledged seq stays what it was.
    /// </summary>
    public bool Abandoned { get; set; }

    /// <summary>Writes acknowledged so far.</summary>
    public int AcknowledgedCount
    {
        get
        {
            lock (_gate)
            {
                return _ackCount;
            }
        }
    }

    public void BeginWrite(long seq)
    {
        if (seq <= Attempted)
        {
            throw new InvalidOperationException($"{Key}: seq {seq} is not above the last attempted {Attempted}.");
        }

        Volatile.Write(ref _attempted, seq);
    }

    /// <summary>Records that the write of <paramref name="seq"/> returned at <paramref name="timestamp"/> (Stopwatch).</summary>
    public void Acknowledge(long seq, long timestamp)
    {
        lock (_gate)
        {
            if (_ackCount > 0 && seq <= _ackSeqs[_ackCount - 1])
            {
                throw new InvalidOperationException($"{Key}: seq {seq} acknowledged after {_ackSeqs[_ackCount - 1]}; one writer writes a key in order.");
            }

            if (_ackCount == _ackSeqs.Length)
            {
                Array.Resize(ref _ackSeqs, _ackCount * 2);
                Array.Resize(ref _ackTimes, _ackCount * 2);
            }

            _ackSeqs[_ackCount] = seq;
            _ackTimes[_ackCount] = timestamp;
            _ackCount++;
        }

        // Published after the log entry, so a reader that sees the seq finds its acknowledgement time.
        Volatile.Write(ref _lastAcknowledged, seq);
    }

    /// <summary>
    /// When the first write newer than <paramref name="seq"/> was acknowledged (Stopwatch timestamp): the moment a
    /// value of seq <paramref name="seq"/> became stale. Null when no newer write has been acknowledged.
    /// </summary>
    public long? SupersededAt(long seq)
    {
        lock (_gate)
        {
            int index = Array.BinarySearch(_ackSeqs, 0, _ackCount, seq);
            int next = index >= 0 ? index + 1 : ~index;
            return next < _ackCount ? _ackTimes[next] : null;
        }
    }
}
