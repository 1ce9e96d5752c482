namespace Grid.Grains.Balancing;

/// <summary>
/// This silo's rebalance as the balancer reports it: partitions and bytes to move and moved, moves in flight, when it
/// started and ended, paused time (left out of the rates), and totals since the silo started. A rebalance starts when a
/// pass finds partitions to move after the previous one ended; a pass that finds some left over (a failed move, a
/// membership change) re-bases it (to move = moved so far + found now), and a pass that finds nothing ends it.
/// </summary>
internal sealed class RebalanceProgress(TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _toMove;
    private int _moved;
    private int _inFlight;
    private long _bytesToMove;
    private long _bytesMoved;
    private long _startedMs;
    private long _finishedMs;
    private long _startedAt;
    private long _finishedAt;
    private TimeSpan _pausedTime;
    private long _pausedSince = -1;
    private long _totalPartitions;
    private long _totalBytes;

    /// <summary>Partitions moved away since the silo started.</summary>
    public long TotalPartitionsMoved
    {
        get
        {
            lock (_gate)
            {
                return _totalPartitions;
            }
        }
    }

    /// <summary>Bytes of the partitions moved away since the silo started.</summary>
    public long TotalBytesMoved
    {
        get
        {
            lock (_gate)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>Partitions of the current rebalance not moved yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(0, _toMove - _moved);
            }
        }
    }

    /// <summary>Whether moves are paused now.</summary>
    public bool Paused
    {
        get
        {
            lock (_gate)
            {
                return _pausedSince >= 0;
            }
        }
    }

    /// <summary>A pass found <paramref name="partitions"/> partitions (<paramref name="bytes"/> bytes) to move.</summary>
    public void BeginPass(int partitions, long bytes)
    {
        lock (_gate)
        {
            if (_startedMs == 0 || _finishedMs != 0)
            {
                long now = time.GetTimestamp();
                _moved = 0;
                _bytesMoved = 0;
                _startedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                _startedAt = now;
                _finishedMs = 0;
                _pausedTime = TimeSpan.Zero;
                if (_pausedSince >= 0)
                {
                    _pausedSince = now;
                }
            }

            _toMove = _moved + partitions;
            _bytesToMove = _bytesMoved + bytes;
        }
    }

    /// <summary>A pass found nothing (more) to move: the current rebalance, if any, ends (what it did not move is no longer to move).</summary>
    public void NothingToMove()
    {
        lock (_gate)
        {
            if (_startedMs != 0 && _finishedMs == 0)
            {
                _toMove = _moved;
                _bytesToMove = _bytesMoved;
                Finish();
            }
        }
    }

    /// <summary>A pass ended; the rebalance ends with it when nothing is left.</summary>
    public void EndPass()
    {
        lock (_gate)
        {
            if (_startedMs != 0 && _finishedMs == 0 && _moved >= _toMove && _inFlight == 0)
            {
                Finish();
            }
        }
    }

    /// <summary>A move starts.</summary>
    public void MoveStarted()
    {
        lock (_gate)
        {
            _inFlight++;
        }
    }

    /// <summary>A move ended: <paramref name="moved"/> when the partition arrived on another silo, with its <paramref name="bytes"/>.</summary>
    public void MoveEnded(bool moved, long bytes)
    {
        lock (_gate)
        {
            _inFlight--;
            if (moved)
            {
                _moved++;
                _bytesMoved += bytes;
                _totalPartitions++;
                _totalBytes += bytes;
            }
        }
    }

    /// <summary>Moves were paused (true) or resumed (false); paused time does not count in the rates.</summary>
    public void SetPaused(bool paused)
    {
        lock (_gate)
        {
            long now = time.GetTimestamp();
            if (paused && _pausedSince < 0)
            {
                _pausedSince = now;
            }
            else if (!paused && _pausedSince >= 0)
            {
                _pausedTime += time.GetElapsedTime(_pausedSince, now);
                _pausedSince = -1;
            }
        }
    }

    /// <summary>The progress now, as <paramref name="silo"/>'s.</summary>
    public GridRebalanceProgress Snapshot(string silo)
    {
        lock (_gate)
        {
            long now = _finishedMs != 0 ? _finishedAt : time.GetTimestamp();
            var active = TimeSpan.Zero;
            if (_startedMs != 0)
            {
                active = time.GetElapsedTime(_startedAt, now) - _pausedTime;
                if (_pausedSince >= 0 && _finishedMs == 0)
                {
                    active -= time.GetElapsedTime(_pausedSince, now);
                }
            }

            double bytesRate = RebalanceMath.Rate(_bytesMoved, active);
            double partitionsRate = RebalanceMath.Rate(_moved, active);
            return new GridRebalanceProgress
            {
                Silo = silo,
                PartitionsToMove = _toMove,
                PartitionsMoved = _moved,
                BytesToMove = _bytesToMove,
                BytesMoved = _bytesMoved,
                InFlight = _inFlight,
                StartedAtUnixMs = _startedMs,
                FinishedAtUnixMs = _finishedMs,
                BytesPerSecond = bytesRate,
                PartitionsPerSecond = partitionsRate,
                EstimatedSecondsLeft = RebalanceMath.SecondsLeft(Math.Max(0, _toMove - _moved), Math.Max(0, _bytesToMove - _bytesMoved), partitionsRate, bytesRate, _pausedSince >= 0),
                TotalPartitionsMoved = _totalPartitions,
                TotalBytesMoved = _totalBytes,
            };
        }
    }

    private void Finish()
    {
        _finishedAt = time.GetTimestamp();
        if (_pausedSince >= 0)
        {
            // Time paused until now counts as paused; the pause itself goes on (it is the settings').
            _pausedTime += time.GetElapsedTime(_pausedSince, _finishedAt);
            _pausedSince = _finishedAt;
        }

        _finishedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
    }
}
