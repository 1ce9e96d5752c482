using System.Buffers;
using System.Buffers.Text;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor names a partition and a place in it:
/// <c>partition &lt;&lt; 32 | place</c> (place 0: the partition's start), so it means the same on every silo and
/// across calls. Each partition is walked from the end of its entry array down (a removal moves the last entry into the
/// hole, which was already walked), so a key present for the whole scan is returned at least once; keys written during
/// it may or may not be, and some may come twice, as in Redis. One call examines about COUNT entries (default 10) over
/// at most <see cref="MaxStepsPerCall"/> partition steps, so it may answer fewer keys than COUNT, or none, with a
/// cursor to continue from; cursor 0 ends the scan.
/// </summary>
internal static class ScanCommand
{
    /// <summary>Grain calls one SCAN makes at most (bounds its latency on a grid of mostly empty partitions).</summary>
    public const int MaxStepsPerCall = 64;

    public static void Register(RespCommandTable table) => table.Add(RespCommand.Sequential("scan", -2, ScanAsync));

    private static async ValueTask ScanAsync(RespContext context, RespCall call)
    {
        if (!TryParseCursor(call[1], out ulong cursor))
        {
            context.Writer.WriteError("ERR invalid cursor");
            return;
        }

        byte[]? pattern = null;
        long count = 10;
        var type = GridValueType.None;
        for (int j = 2; j < call.Count; j++)
        {
            bool hasNext = j + 1 < call.Count;
            if (call.Is(j, "count"u8) && hasNext)
            {
                if (!call.TryInt64(j + 1, out count))
                {
                    context.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }

                if (count < 1)
                {
                    context.Writer.WriteError(RespErrors.Syntax);
                    return;
                }

                j++;
            }
            else if (call.Is(j, "match"u8) && hasNext)
            {
                pattern = KeyListing.Pattern(call, j + 1);
                j++;
            }
            else if (call.Is(j, "type"u8) && hasNext)
            {
                type = KeyListing.TypeOf(call, j + 1);
                j++;
            }
            else
            {
                context.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        int partitions = context.Grid.PartitionCount;
        int partition = (int)Math.Min(cursor >> 32, int.MaxValue);
        int place = (int)(cursor & int.MaxValue);
        var keys = new List<byte[]>();
        int budget = (int)Math.Min(count, KeyListing.StepSize);
        try
        {
            for (int steps = 0; partition < partitions && steps < MaxStepsPerCall && keys.Count < count; steps++)
            {
                var page = await KeyListing.StepAsync(context, partition, place, pattern, type, budget).ConfigureAwait(false);
                keys.AddRange(page.Keys);
                if (page.Cursor == 0)
                {
                    partition++;
                    place = 0;
                }
                else
                {
                    place = page.Cursor;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError(KeyListing.Error(ex));
            return;
        }

        ulong next = partition >= partitions ? 0 : ((ulong)partition << 32) | (uint)place;
        context.Writer.WriteArrayHeader(2);
        context.Writer.WriteBulk(System.Text.Encoding.ASCII.GetBytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        KeyListing.WriteKeys(context, keys);
    }

    /// <summary>A cursor as Redis reads one (<c>strtoul</c>): a 64-bit decimal number, a negative one wrapping around.</summary>
    private static bool TryParseCursor(in ReadOnlySequence<byte> text, out ulong cursor)
    {
        cursor = 0;
        if (text.Length is 0 or > 20)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[(int)text.Length];
        text.CopyTo(bytes);
        if (Utf8Parser.TryParse(bytes, out cursor, out int consumed) && consumed == bytes.Length)
        {
            return true;
        }

        if (bytes[0] == (byte)'-' && Utf8Parser.TryParse(bytes[1..], out ulong magnitude, out consumed) && consumed == bytes.Length - 1)
        {
            cursor = unchecked(0UL - magnitude);
            return true;
        }

        return false;
    }
}
