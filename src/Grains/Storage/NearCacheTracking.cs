using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

/// <summary>
/// Which near-cache clients hold which keys of this partition (a bit per client slot, by key hash), so a change is
/// pushed only to the clients that read the key. The silo-wide count and the invalidation sequences are the
/// <see cref="IReadTracker"/>'s. Used under the store's lock.
/// </summary>
internal sealed class NearCacheTracking(int partition, IReadTracker? tracker, RecordTable table, StoreChangeFeed feed)
{
    private readonly int _partition = partition;
    private readonly IReadTracker? _tracker = tracker;
    private readonly RecordTable _table = table;
    private readonly StoreChangeFeed _feed = feed;
    private Dictionary<ulong, Trackers>? _tracking;
    private int _ownWriteSlot = -1;
    private ulong _ownWriteHash;

    /// <summary>
    /// While a near-cache client's own tracked string write runs: its slot and the key's hash (slot -1 otherwise). If
    /// that client tracks the key only through its own earlier tracked write (it has not read the key back from the grid
    /// since), the key's change is not pushed back to it (like Redis's NOLOOP): all it can hold is the value it wrote,
    /// which this write's answer replaces, and a write answer overtaking an earlier one is refused by the client itself.
    /// A client that read the key is told as usual (that read's answer may arrive after this write's), and so is the
    /// writer about any other key the write changes (an eviction to make room).
    /// </summary>
    public void BeginOwnWrite(int slot, ulong hash) => (_ownWriteSlot, _ownWriteHash) = (slot, hash);

    /// <summary>The write of <see cref="BeginOwnWrite"/> ended.</summary>
    public void EndOwnWrite() => _ownWriteSlot = -1;

    /// <summary>The silo tracks near-cache reads (without a tracker, tracked reads are answered as plain reads).</summary>
    public bool IsEnabled => _tracker is not null;

    /// <summary>
    /// A near-cache read: writes the value with what the client needs to keep it coherent, and remembers that the
    /// client in <paramref name="slot"/> holds the key, so its next change is pushed to that client. An entry the client
    /// must not keep (sliding expiration, or the silo tracks all it may) is answered as not cacheable.
    /// </summary>
    public void WriteTracked(ReadOnlySpan<byte> record, ulong hash, int slot, long now, FrameBuffer output) =>
        ResultFrame.WriteTrackedValue(output, EntryRecord.Value(record), _feed.Version, TrackFor(record, hash, slot, now), _tracker!.Sequence(slot, _partition));

    /// <summary>
    /// A near-cache client's own string write (<paramref name="record"/> as it is now): after the write (which already
    /// told the key's other holders), the writer is tracked as if it had read the value back, so it may keep what it
    /// wrote. Same rules as a tracked read.
    /// </summary>
    public GridResult TrackWriter(ReadOnlySpan<byte> record, ulong hash, int slot, long now, GridResult result) =>
        result with { Tracked = true, Version = _feed.Version, TimeToLiveMs = TrackFor(record, hash, slot, now, byWrite: true), Sequence = _tracker!.Sequence(slot, _partition) };

    /// <summary>The clients tracking a key that is changing; tracking ends with the change (clients re-read to re-track).</summary>
    /// <remarks>Without the writer of <see cref="BeginOwnWrite"/> when it tracks the key only through its own write.</remarks>
    public ulong TakeTrackers(ReadOnlySpan<byte> key)
    {
        if (_tracking is not { Count: > 0 } tracking)
        {
            return 0;
        }

        ulong hash = RecordTable.HashKey(key);
        if (_ownWriteSlot >= 0 && hash == _ownWriteHash)
        {
            return TakeTrackersOfOwnWrite(tracking, hash);
        }

        if (!tracking.Remove(hash, out var trackers))
        {
            return 0;
        }

        _tracker!.Release(1);
        return trackers.All;
    }

    /// <summary>
    /// <see cref="TakeTrackers"/> for the key of the own write under way. When the writer tracks the key, its entry stays
    /// with the writer alone, as its answer tracks it again (<see cref="TrackWriter"/>): a near-cache client's writes
    /// then cost one tracking lookup, not a removal, a lookup and an insert (with the silo-wide reservation released
    /// and taken again). Should the write not track it (an entry with a sliding expiration), the client is told of a
    /// later change it does not need: harmless.
    /// </summary>
    private ulong TakeTrackersOfOwnWrite(Dictionary<ulong, Trackers> tracking, ulong hash)
    {
        ref var trackers = ref CollectionsMarshal.GetValueRefOrNullRef(tracking, hash);
        if (Unsafe.IsNullRef(ref trackers))
        {
            return 0;
        }

        ulong writer = 1UL << _ownWriteSlot;
        ulong bits = trackers.All & ~(trackers.ByOwnWrite & writer);
        if ((trackers.All & writer) == 0)
        {
            tracking.Remove(hash);
            _tracker!.Release(1);
            return bits;
        }

        trackers = new Trackers { All = writer, ByOwnWrite = trackers.ByOwnWrite & writer };
        return bits;
    }

    /// <summary>
    /// The store closed: what it tracked is gone, so the clients must forget the partition (<paramref name="context"/>:
    /// the caller that closed it, which may wait for them).
    /// </summary>
    public void DropAll(BatchContext? context)
    {
        if (_tracking is { Count: > 0 } tracking)
        {
            _tracker!.OnTrackingDropped(_partition, tracking.Count, context);
            _tracking = null;
        }
    }

    /// <summary>
    /// Tracks the key for the client in <paramref name="slot"/> when its value may be kept, and returns how long it may
    /// (ms; -1 no expiry), or <see cref="GridResult.NotCacheable"/> (sliding expiration, or the silo tracks all it may).
    /// </summary>
    private long TrackFor(ReadOnlySpan<byte> record, ulong hash, int slot, long now, bool byWrite = false)
    {
        if (EntryRecord.HasSliding(record) || !Track(hash, slot, byWrite))
        {
            return GridResult.NotCacheable;
        }

        long expiresAt = EntryRecord.ExpiresAt(record);
        return expiresAt == 0 ? -1 : Math.Max(0, expiresAt - now);
    }

    private bool Track(ulong hash, int slot, bool byWrite)
    {
        ulong bit = 1UL << slot;
        if (_tracking is not null)
        {
            ref var known = ref CollectionsMarshal.GetValueRefOrNullRef(_tracking, hash);
            if (!Unsafe.IsNullRef(ref known))
            {
                known.All |= bit;
                known.ByOwnWrite = byWrite ? known.ByOwnWrite | bit : known.ByOwnWrite & ~bit;
                return true;
            }
        }

        if (!_tracker!.TryReserve() && !EvictTracked())
        {
            return false;
        }

        _tracking ??= [];
        CollectionsMarshal.GetValueRefOrAddDefault(_tracking, hash, out _) = new Trackers { All = bit, ByOwnWrite = byWrite ? bit : 0 };
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
            (victim, bits) = (hash, trackers.All);
            break;
        }

        tracking.Remove(victim);
        if (_table.FindByHash(victim) is var index and >= 0)
        {
            _feed.TrackingEvicted(EntryRecord.Key(_table.RecordAt(index)), bits);
        }

        return true;
    }

    /// <summary>The clients tracking one key, and which of them only through their own tracked write.</summary>
    private struct Trackers
    {
        public ulong All;
        public ulong ByOwnWrite;
    }
}
