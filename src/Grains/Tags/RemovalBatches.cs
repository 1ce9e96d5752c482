using Grid.Partitioning;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>
/// Turns a tag's keys into request frames of tag-checked removes, one open frame per silo (by the partition owners
/// given), each sealed when it holds <c>batchSize</c> operations.
/// </summary>
internal sealed class RemovalBatches(SiloAddress[] owners, int partitionCount, byte[] tagBlock, int batchSize)
{
    private readonly Dictionary<SiloAddress, Open> _open = [];
    private readonly Queue<(SiloAddress Silo, byte[] Frame)> _sealed = new();

    /// <summary>
    /// Reads keys from <paramref name="cursor"/> until a frame is sealed or the set ends; keys in <paramref name="keep"/>
    /// are not removed but put back in the tag's current set in <paramref name="sets"/>. Returns whether keys are left.
    /// </summary>
    public bool Fill(CompactKeySet keys, ref CompactKeySet.Cursor cursor, CompactKeySet? keep, TagSets sets, byte[] tag)
    {
        var enumerator = keys.GetEnumerator(cursor);
        while (enumerator.MoveNext())
        {
            var key = enumerator.Current;
            if (keep is not null && keep.Contains(key))
            {
                sets.GetOrAdd(tag).Add(key);
                continue;
            }

            var silo = owners[PartitionHasher.GetPartition(key, partitionCount)];
            if (!_open.TryGetValue(silo, out var open))
            {
                _open[silo] = open = new Open();
            }

            TagRemovalFrame.Write(open.Body, key, tagBlock);
            if (++open.Count >= batchSize)
            {
                Seal(silo, open);
                cursor = enumerator.Position;
                return true;
            }
        }

        cursor = enumerator.Position;
        return false;
    }

    /// <summary>The next sealed frame.</summary>
    public bool TryTakeFull(out SiloAddress silo, out byte[] frame)
    {
        if (_sealed.TryDequeue(out var next))
        {
            (silo, frame) = next;
            return true;
        }

        silo = null!;
        frame = null!;
        return false;
    }

    /// <summary>The next frame, sealing partly filled ones (after the last key).</summary>
    public bool TryTakeAny(out SiloAddress silo, out byte[] frame)
    {
        foreach (var (address, open) in _open)
        {
            if (open.Count > 0)
            {
                Seal(address, open);
            }
        }

        foreach (var open in _open.Values)
        {
            open.Body.Dispose();
        }

        _open.Clear();
        return TryTakeFull(out silo, out frame);
    }

    private void Seal(SiloAddress silo, Open open)
    {
        _sealed.Enqueue((silo, TagRemovalFrame.Build(open.Count, open.Body.Written)));
        open.Body.Reset();
        open.Count = 0;
    }

    private sealed class Open
    {
        public FrameBuffer Body { get; } = new(4096);

        public int Count { get; set; }
    }
}
