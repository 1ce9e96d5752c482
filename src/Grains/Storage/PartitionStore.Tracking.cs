using System.Runtime.InteropServices;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>
    /// A near-cache read: writes the value with what the client needs to keep it coherent, and remembers that the
    /// client in <paramref name="slot"/> holds the key, so its next change is pushed to that client. An entry the client
    /// must not keep (sliding expiration, or the silo tracks all it may) is answered as not cacheable.
    /// </summary>
    private void WriteTracked(byte[] record, ulong hash, int slot, long now, FrameBuffer output) =>
        ResultFrame.WriteTrackedValue(output, EntryRecord.Value(record), Version, TrackFor(record, hash, slot, now), _tracker!.Sequence(slot, Partition));

    /// <summary>
    /// Tracks the key for the client in <paramref name="slot"/> when its value may be kept, and returns how long it may
    /// (ms; -1 no expiry), or <see cref="GridResult.NotCacheable"/> (sliding expiration, or the silo tracks all it may).
    /// </summary>
    private long TrackFor(byte[] record, ulong hash, int slot, long now)
    {
        if (EntryRecord.HasSliding(record) || !Track(hash, slot))
        {
            return GridResult.NotCacheable;
        }

        long expiresAt = EntryRecord.ExpiresAt(record);
        return expiresAt == 0 ? -1 : Math.Max(0, expiresAt - now);
    }

    /// <summary>
    /// A near-cache client's own string write: after the write (which already told the key's other holders), the
    /// writer is tracked as if it had read the value back, so it may keep what it wrote. Same rules as a tracked read.
    /// </summary>
    private GridResult TrackWriter(ReadOnlySpan<byte> key, ulong hash, int slot, long now, GridResult result)
    {
        int index = FindLive(key, hash, now, out _);
        if (index < 0 || _records[index] is not byte[] record || EntryRecord.Type(record) != GridValueType.String)
        {
            return result;
        }

        return result with { Tracked = true, Version = Version, TimeToLiveMs = TrackFor(record, hash, slot, now), Sequence = _tracker!.Sequence(slot, Partition) };
    }

    private bool Track(ulong hash, int slot)
    {
        ulong bit = 1UL << slot;
        if (_tracking is not null && _tracking.TryGetValue(hash, out ulong bits))
        {
            _tracking[hash] = bits | bit;
            return true;
        }

        if (!_tracker!.TryReserve() && !EvictTracked())
        {
            return false;
        }

        _tracking ??= [];
        CollectionsMarshal.GetValueRefOrAddDefault(_tracking, hash, out _) = bit;
        return true;
    }

    /// <summary>
    /// The silo tracks as many keys as it may: this store gives up one of its own tracked keys (its clients are told to
    /// drop their copies), and the new key takes its place. False when the store tracks nothing to give up.
    /// </summary>
    private bool EvictTracked()
    {
        if (_tracking is not { Count: > 0 } tracking)
        {
            return false;
        }

        ulong victim = 0;
        ulong bits = 0;
        foreach (var (hash, trackers) in tracking)
        {
            (victim, bits) = (hash, trackers);
            break;
        }

        tracking.Remove(victim);
        if (FindByHash(victim) is { } record)
        {
            _listener?.OnChanged(new StoreChange
            {
                Partition = Partition,
                Version = Version,
                Kind = StoreChangeKind.TrackingEvicted,
                Key = EntryRecord.Key(record),
                Trackers = bits,
            });
        }

        return true;
    }

    /// <summary>The clients tracking a key that is changing; tracking ends with the change (clients re-read to re-track).</summary>
    private ulong TakeTrackers(ReadOnlySpan<byte> key)
    {
        if (_tracking is not { Count: > 0 } tracking || !tracking.Remove(HashKey(key), out ulong bits))
        {
            return 0;
        }

        _tracker!.Release(1);
        return bits;
    }
}
