using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    /// <summary>The hot read: a string hit is copied from its record straight into the response frame.</summary>
    private bool TryGetStringInto(ReadOnlySpan<byte> key, ulong hash, long now, int trackingSlot, FrameBuffer output)
    {
        int index = FindLive(key, hash, now, out _);
        if (index < 0 || _records[index] is not byte[] r || EntryRecord.Type(r) != GridValueType.String)
        {
            return false;
        }

        EntryRecord.Touch(r, now);
        Counters.Hits++;
        if (trackingSlot >= 0 && _tracker is not null)
        {
            WriteTracked(r, hash, trackingSlot, now, output);
        }
        else
        {
            ResultFrame.WriteValue(output, EntryRecord.Value(r));
        }

        return true;
    }

    private GridResult Get(ReadOnlySpan<byte> key, ulong hash, long now)
    {
        int index = FindLive(key, hash, now, out _);
        if (index < 0)
        {
            Counters.Misses++;
            return NotFound;
        }

        if (_records[index] is not byte[] r)
        {
            return WrongType("GET", EntryRecord.Type(RecordOf(_records[index])));
        }

        EntryRecord.Touch(r, now);
        Counters.Hits++;
        return EntryRecord.Type(r) == GridValueType.Counter
            ? GridResult.OfValue(Encoding.ASCII.GetBytes(ReadCounter(r).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : GridResult.OfValue(EntryRecord.Value(r).ToArray());
    }

    private GridResult Set(in OpView op, ulong hash, long now)
    {
        int index = FindLive(op.Key, hash, now, out int slot);
        bool exists = index >= 0;
        if (((op.Flags & OpFlags.IfNotExists) != 0 && exists) || ((op.Flags & OpFlags.IfExists) != 0 && !exists))
        {
            return ConditionNotMet;
        }

        ReadOnlySpan<byte> value = op.Value;
        var expiry = EntryExpiry.From(now, op.Arg0, op.Arg1);
        ReadOnlySpan<byte> tags = op.Tags;

        // Same shape as the old record (the usual overwrite): rewrite it in place instead of allocating.
        if (exists && tags.Length == 0 && _records[index] is byte[] old && !EntryRecord.HasTags(old)
            && EntryRecord.HasSliding(old) == (expiry.SlidingMs != 0)
            && old.Length == EntryRecord.KeyOffset(old) + op.Key.Length + value.Length)
        {
            old[0] = (byte)GridValueType.String;
            EntryRecord.SetStamp(old, (uint)now);
            EntryRecord.SetExpiresAt(old, expiry.ExpiresAt);
            if (expiry.SlidingMs != 0)
            {
                Unsafe.WriteUnaligned(ref old[16], expiry.SlidingMs);
                Unsafe.WriteUnaligned(ref old[24], expiry.AbsoluteCap);
            }

            value.CopyTo(old.AsSpan(EntryRecord.ValueOffset(old)));
            Changed(old);
            return GridResult.Ok;
        }

        var record = EntryRecord.Create(GridValueType.String, op.Key, expiry, tags, value.Length, now, out int valueOffset);
        value.CopyTo(record.AsSpan(valueOffset));
        if (exists)
        {
            Replace(index, record);
            return GridResult.Ok;
        }

        return Insert(hash, slot, record) ? GridResult.Ok : PartitionFull;
    }

    private GridResult Increment(ReadOnlySpan<byte> key, ulong hash, long now, long delta)
    {
        int index = FindLive(key, hash, now, out int slot);
        if (index < 0)
        {
            var created = NewCounter(key, delta, EntryExpiry.None, [], now);
            return Insert(hash, slot, created) ? GridResult.OfNumber(delta) : PartitionFull;
        }

        if (_records[index] is not byte[] r)
        {
            return WrongType("INCRBY", EntryRecord.Type(RecordOf(_records[index])));
        }

        long current;
        if (EntryRecord.Type(r) == GridValueType.Counter)
        {
            current = ReadCounter(r);
        }
        else if (!TryParseInteger(EntryRecord.Value(r), out current))
        {
            return GridResult.Failure(ResultStatus.NotInteger, "The value is not a 64-bit integer, so it cannot be incremented.") with { Number = (long)GridValueType.String };
        }

        if (!TryAdd(current, delta, out long updated))
        {
            return GridResult.Failure(ResultStatus.Overflow, $"Adding {delta} to {current} overflows a 64-bit counter.");
        }

        if (EntryRecord.Type(r) == GridValueType.Counter)
        {
            BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(EntryRecord.ValueOffset(r)), updated);
            EntryRecord.Touch(r, now);
            Changed(r);
        }
        else
        {
            // A string holding an integer becomes a counter, keeping its expiry and tags (as Redis INCR does); the
            // increment is an access, so a sliding window moves as it does for a counter.
            var counter = NewCounter(key, updated, EntryRecord.GetExpiry(r), EntryRecord.TagsBlock(r), now);
            EntryRecord.Touch(counter, now);
            Replace(index, counter);
        }

        return GridResult.OfNumber(updated);
    }

    private static byte[] NewCounter(ReadOnlySpan<byte> key, long value, in EntryExpiry expiry, ReadOnlySpan<byte> tags, long now)
    {
        var record = EntryRecord.Create(GridValueType.Counter, key, expiry, tags, 8, now, out int valueOffset);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(valueOffset), value);
        return record;
    }

    private static long ReadCounter(byte[] r) => BinaryPrimitives.ReadInt64LittleEndian(EntryRecord.Value(r));

    internal static bool TryParseInteger(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text.Length > 0;

    internal static bool TryAdd(long current, long delta, out long result)
    {
        result = unchecked(current + delta);
        // Overflow happened when both operands have the same sign and the result's sign differs.
        return ((current ^ result) & (delta ^ result)) >= 0;
    }

    private static GridResult WrongType(string operation, GridValueType actual) =>
        GridResult.Failure(ResultStatus.WrongType, $"{operation} does not apply to the {actual.ToString().ToLowerInvariant()} held at this key.") with { Number = (long)actual };
}
