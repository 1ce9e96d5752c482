using System.Runtime.CompilerServices;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    // LRU stamps are the low 32 bits of unix ms, compared by unsigned difference; the sweep pulls stamps older than this
    // back so that a long-idle entry still reads as old instead of wrapping around to look new.
    private const uint MaxStampAge = 20u * 24 * 3600 * 1000;

    // How far ahead of "now" a stamp may be and still read as new rather than as very old (see Age).
    private const uint MaxStampLead = 24u * 3600 * 1000;

    private GridResult Expire(ReadOnlySpan<byte> key, ulong hash, long now, long ttlMs) =>
        SetExpiry(key, hash, now, EntryExpiry.From(now, ttlMs, 0), onlyIfExpiring: false);

    private GridResult Persist(ReadOnlySpan<byte> key, ulong hash, long now) =>
        SetExpiry(key, hash, now, EntryExpiry.None, onlyIfExpiring: true);

    private GridResult SetExpiry(ReadOnlySpan<byte> key, ulong hash, long now, in EntryExpiry expiry, bool onlyIfExpiring)
    {
        int index = FindLive(key, hash, now, out _);
        if (index < 0)
        {
            return GridResult.OfNumber(0);
        }

        object entry = _records[index];
        byte[] r = RecordOf(entry);
        if (onlyIfExpiring && EntryRecord.ExpiresAt(r) == 0)
        {
            return GridResult.OfNumber(0);
        }

        if (!EntryRecord.HasSliding(r) && expiry.SlidingMs == 0)
        {
            EntryRecord.SetExpiresAt(r, expiry.ExpiresAt);
            EntryRecord.SetStamp(r, (uint)now);
            Changed(entry);
            return GridResult.OfNumber(1);
        }

        var updated = EntryRecord.WithExpiry(r, expiry);
        EntryRecord.SetStamp(updated, (uint)now);
        if (entry is ComplexEntry complex)
        {
            long before = complex.HeapSize;
            complex.Record = updated;
            Account(complex.HeapSize - before);
            Changed(complex);
        }
        else
        {
            Replace(index, updated);
        }

        return GridResult.OfNumber(1);
    }

    private GridResult TimeToLive(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        if (index < 0)
        {
            return NotFound;
        }

        long expires = EntryRecord.ExpiresAt(RecordOf(_records[index]));
        return GridResult.OfNumber(expires == 0 ? -1 : expires - now);
    }

    /// <summary>
    /// Active expiry: checks up to <paramref name="maxChecks"/> records from where the last sweep stopped, removes the
    /// expired ones and clamps very old LRU stamps. Returns how many it removed.
    /// </summary>
    public int SweepExpired(int maxChecks)
    {
        long now = _clock.NowMs;
        uint stamp = (uint)now;
        int removed = 0;
        lock (_lock)
        {
            if (_closed)
            {
                return 0;
            }

            for (int checks = 0; checks < maxChecks && _count > 0; checks++)
            {
                if (_sweepCursor >= _count)
                {
                    _sweepCursor = 0;
                }

                byte[] r = RecordOf(_records[_sweepCursor]);
                if (EntryRecord.IsExpired(r, now))
                {
                    // The last record moves into this index, so the cursor stays to check it next.
                    RemoveIndex(_sweepCursor, RemovalCause.Expired);
                    Counters.Expirations++;
                    removed++;
                    continue;
                }

                if (Age(stamp, EntryRecord.Stamp(r)) > MaxStampAge)
                {
                    EntryRecord.SetStamp(r, unchecked(stamp - MaxStampAge));
                }

                _sweepCursor++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Milliseconds since <paramref name="stamp"/>. A stamp up to <see cref="MaxStampLead"/> ahead of
    /// <paramref name="nowStamp"/> (a writer read the clock just after the caller did, or the clock was stepped back)
    /// belongs to an entry as new as can be: its age is 0, not the near-2^32 the unsigned difference gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Age(uint nowStamp, uint stamp)
    {
        uint age = unchecked(nowStamp - stamp);
        return age > uint.MaxValue - MaxStampLead ? 0 : age;
    }
}
