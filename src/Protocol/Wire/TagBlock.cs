using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Grid.Protocol.Wire;

/// <summary>
/// Tags as stored in an entry record and as they travel: a count byte, then per tag a 16-bit length and its UTF-8 bytes.
/// </summary>
internal static class TagBlock
{
    public static int Size(string[]? tags)
    {
        if (tags is null || tags.Length == 0)
        {
            return 0;
        }

        int size = 1;
        foreach (var tag in tags)
        {
            size += 2 + Encoding.UTF8.GetByteCount(tag);
        }

        return size;
    }

    /// <summary>Writes the block of <paramref name="tags"/> (nothing when there are none); returns its length.</summary>
    public static int Write(string[]? tags, Span<byte> destination)
    {
        if (tags is null || tags.Length == 0)
        {
            return 0;
        }

        destination[0] = (byte)tags.Length;
        int offset = 1;
        foreach (var tag in tags)
        {
            int written = Encoding.UTF8.GetBytes(tag, destination[(offset + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], (ushort)written);
            offset += 2 + written;
        }

        return offset;
    }

    public static byte[] Encode(string[]? tags)
    {
        var block = new byte[Size(tags)];
        Write(tags, block);
        return block;
    }

    /// <summary>Length of the block at the start of <paramref name="block"/>.</summary>
    public static int Length(ReadOnlySpan<byte> block)
    {
        int count = block[0];
        int offset = 1;
        for (int i = 0; i < count; i++)
        {
            offset += 2 + BinaryPrimitives.ReadUInt16LittleEndian(block[offset..]);
        }

        return offset;
    }

    public static string[] Decode(ReadOnlySpan<byte> block)
    {
        if (block.IsEmpty)
        {
            return [];
        }

        var tags = new string[block[0]];
        int offset = 1;
        for (int i = 0; i < tags.Length; i++)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(block[offset..]);
            tags[i] = Encoding.UTF8.GetString(block.Slice(offset + 2, length));
            offset += 2 + length;
        }

        return tags;
    }

    /// <summary>The silo's check of a block that arrived over the wire; null when valid.</summary>
    public static string? Error(ReadOnlySpan<byte> block, GridLimits limits)
    {
        if (block.IsEmpty)
        {
            return null;
        }

        int count = block[0];
        if (count == 0)
        {
            return "A tag block must not be empty.";
        }

        if (count > limits.MaxTagsPerEntry)
        {
            return $"An entry may carry at most {limits.MaxTagsPerEntry} tags (MaxTagsPerEntry); this one has {count}.";
        }

        int offset = 1;
        for (int i = 0; i < count; i++)
        {
            if (block.Length - offset < 2)
            {
                return "The tag block is truncated.";
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(block[offset..]);
            offset += 2;
            if (length == 0)
            {
                return "A tag must not be empty.";
            }

            if (length > limits.MaxKeyBytes)
            {
                return $"A tag is longer than MaxKeyBytes ({limits.MaxKeyBytes}).";
            }

            if (block.Length - offset < length)
            {
                return "The tag block is truncated.";
            }

            if (!Utf8.IsValid(block.Slice(offset, length)))
            {
                return "A tag is not valid UTF-8.";
            }

            offset += length;
        }

        return offset == block.Length ? null : "The tag block has trailing bytes.";
    }
}
