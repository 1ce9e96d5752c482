using System.Buffers.Binary;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Grains.Tags;

/// <summary>
/// Writes <see cref="OpCode.RemoveTagged"/> operations straight into a request frame (the <see cref="OpFrame"/> layout:
/// code, flags, sections, key, tags block), so an invalidation batches keys read from the index without an object per key.
/// </summary>
internal static class TagRemovalFrame
{
    /// <summary>The tags block of one tag.</summary>
    public static byte[] BlockOf(ReadOnlySpan<byte> tag)
    {
        var block = new byte[3 + tag.Length];
        block[0] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(1), (ushort)tag.Length);
        tag.CopyTo(block.AsSpan(3));
        return block;
    }

    /// <summary>Appends one tag-checked remove of <paramref name="key"/> (no frame header).</summary>
    public static void Write(FrameBuffer body, ReadOnlySpan<byte> key, byte[] tagBlock)
    {
        body.WriteByte((byte)OpCode.RemoveTagged);
        body.WriteByte((byte)OpFlags.None);
        body.WriteByte((byte)OpSections.Tags);
        body.WriteBytes(key);
        body.WriteBytes(tagBlock);
    }

    /// <summary>A request frame of <paramref name="count"/> operations written by <see cref="Write"/>.</summary>
    public static byte[] Build(int count, ReadOnlySpan<byte> body)
    {
        using var frame = new FrameBuffer(body.Length + 8);
        OpFrame.WriteHeader(frame, count, trackingSlot: -1);
        frame.WriteRaw(body);
        return frame.ToArray();
    }

    /// <summary>Counts the removals a result frame reports (Number 1); an error result throws <see cref="GridException"/>.</summary>
    public static long CountRemoved(byte[] resultFrame)
    {
        var reader = new FrameReader(resultFrame);
        int count = ResultFrame.ReadHeader(ref reader);
        long removed = 0;
        for (int i = 0; i < count; i++)
        {
            var result = ResultFrame.Read(ref reader);
            if (result.Status != ResultStatus.Ok)
            {
                throw new GridException($"A tag-checked removal failed on the grid: {result.Error ?? result.Status.ToString()}");
            }

            removed += result.Number;
        }

        return removed;
    }
}
