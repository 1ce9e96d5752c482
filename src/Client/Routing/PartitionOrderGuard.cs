using Grid.Protocol;

namespace Grid.Client.Routing;

/// <summary>
/// Keeps one client's operations on a partition in the order it issued them across a lane's batch calls. Two batch calls
/// under way to a silo are not ordered on their way (measured: a write issued after another, the first not awaited
/// yet, was overwritten by it in about 45 % of tries with two batches in flight), so an operation waits in the queue
/// while a batch still out holds an operation of its partition and either of the two is a write; reads of a partition
/// pass each other, and other partitions' operations leave at once. Used under the lane's lock.
/// </summary>
/// <remarks>
/// Partitions are marked in arrays indexed by partition and stamped with a generation, so a check allocates nothing
/// and starting over costs one increment.
/// </remarks>
internal sealed class PartitionOrderGuard
{
    private int[] _readStamps = [];
    private int[] _writeStamps = [];
    private int[] _blockStamps = [];
    private int _stamp;

    /// <summary>Forgets every mark (a new batch is being drawn from the queue).</summary>
    public void Reset()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_readStamps);
            Array.Clear(_writeStamps);
            Array.Clear(_blockStamps);
            _stamp = 1;
        }
    }

    /// <summary>Marks <paramref name="op"/>'s partition as having an operation under way (or held back) of its kind.</summary>
    public void Mark(PendingOp op)
    {
        int partition = op.Partition;
        EnsureRoom(partition);
        if (CallFailures.IsReadOnly(op.Op.Code))
        {
            _readStamps[partition] = _stamp;
        }
        else
        {
            _writeStamps[partition] = _stamp;
        }
    }

    /// <summary>Marks the partition so that every later operation of it waits (one of its operations was held back).</summary>
    public void Block(PendingOp op)
    {
        EnsureRoom(op.Partition);
        _blockStamps[op.Partition] = _stamp;
    }

    /// <summary>Whether <paramref name="op"/> must wait: an operation of its partition was held back, or <see cref="ConflictsWithBatchesOut"/>.</summary>
    public bool MustWait(PendingOp op) =>
        ConflictsWithBatchesOut(op) || ((uint)op.Partition < (uint)_blockStamps.Length && _blockStamps[op.Partition] == _stamp);

    /// <summary>Whether a batch still out holds a write of <paramref name="op"/>'s partition, or a read when it writes.</summary>
    public bool ConflictsWithBatchesOut(PendingOp op)
    {
        int partition = op.Partition;
        if ((uint)partition >= (uint)_writeStamps.Length)
        {
            return false;
        }

        return _writeStamps[partition] == _stamp || (_readStamps[partition] == _stamp && !CallFailures.IsReadOnly(op.Op.Code));
    }

    private void EnsureRoom(int partition)
    {
        if (partition >= _writeStamps.Length)
        {
            int length = Math.Max(partition + 1, Math.Max(64, _writeStamps.Length * 2));
            Array.Resize(ref _readStamps, length);
            Array.Resize(ref _writeStamps, length);
            Array.Resize(ref _blockStamps, length);
        }
    }
}
