using System.Buffers.Binary;

namespace Grid.Grains.Tags;

/// <summary>Reads the tags of a tags block (<see cref="Protocol.Wire.TagBlock"/>) without decoding them.</summary>
internal static class TagBlockTags
{
    /// <summary>Whether the block holds <paramref name="tag"/> (UTF-8).</summary>
    public static bool Contains(ReadOnlySpan<byte> block, ReadOnlySpan<byte> tag)
    {
        foreach (var candidate in Enumerate(block))
        {
            if (candidate.SequenceEqual(tag))
            {
                return true;
            }
        }

        return false;
    }

    public static Enumerator Enumerate(ReadOnlySpan<byte> block) => new(block);

    /// <summary>The tags of a block, as UTF-8 slices of it.</summary>
    public ref struct Enumerator(ReadOnlySpan<byte> block)
    {
        private readonly ReadOnlySpan<byte> _block = block;
        private int _remaining = block.IsEmpty ? 0 : block[0];
        private int _offset = 1;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            _remaining--;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_block[_offset..]);
            Current = _block.Slice(_offset + 2, length);
            _offset += 2 + length;
            return true;
        }
    }
}
