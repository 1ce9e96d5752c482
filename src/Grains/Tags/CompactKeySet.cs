using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;

namespace Grid.Grains.Tags;

/// <summary>
/// A set of byte-string keys (UTF-8 keys, at most 65,535 bytes) kept compact: the keys sit back to back in one arena
/// (<c>[u16 length][u8 live][key]</c>), indexed by an open-addressing table of arena offsets. A key costs its bytes plus
/// 3 bytes of header plus about 6-11 bytes of table, instead of a string object, a node and a bucket. Removal marks the
/// record dead; the arena is compacted when dead bytes outweigh live ones, and a set that becomes empty releases
/// its arrays. Not thread-safe (an index grain owns it).
/// </summary>
internal sealed class CompactKeySet
{
    private const int HeaderSize = 3;
    private const int Empty = 0;
    private const int Tombstone = -1;
    private const int MinTableLength = 4;
    private const int ObjectOverhead = 56;
    private const long HashSeed = 0x7a6b_5c4d;

    private byte[] _arena = [];
    private int _used;
    private int _garbage;
    private int[] _table = [];
    private int _count;
    private int _tombstones;

    /// <summary>Keys held.</summary>
    public int Count => _count;

    /// <summary>Managed heap bytes of the set (its object and arrays).</summary>
    public long HeapBytes => ObjectOverhead + ArrayBytes(_arena.Length, 1) + ArrayBytes(_table.Length, 4);

    /// <summary>Adds a key; false when it was already there.</summary>
    public bool Add(ReadOnlySpan<byte> key)
    {
        if (key.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A key is at most {ushort.MaxValue} bytes.", nameof(key));
        }

        if (_table.Length == 0)
        {
            _table = new int[MinTableLength];
        }

        ulong hash = Hash(key);
        if (Find(key, hash, out int slot) >= 0)
        {
            return false;
        }

        int offset = Append(key);
        if (_table[slot] == Tombstone)
        {
            _tombstones--;
        }

        _table[slot] = offset + 1;
        _count++;
        if ((_count + _tombstones) * 4L > _table.Length * 3L)
        {
            Rehash(TableLengthFor(_count));
        }

        return true;
    }

    /// <summary>Removes a key; false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        if (_count == 0)
        {
            return false;
        }

        int offset = Find(key, Hash(key), out int slot);
        if (offset < 0)
        {
            return false;
        }

        _arena[offset + 2] = 0;
        _garbage += HeaderSize + key.Length;
        _table[slot] = Tombstone;
        _tombstones++;
        _count--;
        if (_count == 0)
        {
            Clear();
        }
        else if (_garbage > _used / 2)
        {
            Compact();
        }
        else if (_table.Length > MinTableLength && _count * 8L < _table.Length)
        {
            Rehash(TableLengthFor(_count));
        }

        return true;
    }

    public bool Contains(ReadOnlySpan<byte> key) => _count > 0 && Find(key, Hash(key), out _) >= 0;

    /// <summary>Empties the set and releases its arrays.</summary>
    public void Clear()
    {
        _arena = [];
        _table = [];
        _used = _garbage = _count = _tombstones = 0;
    }

    /// <summary>Enumerates the keys (in insertion order, as long as the set is not changed meanwhile).</summary>
    public Enumerator GetEnumerator() => new(_arena, _used, 0);

    /// <summary>Enumerates the keys from where an earlier enumeration stopped (<see cref="Enumerator.Position"/>), the set unchanged since.</summary>
    public Enumerator GetEnumerator(Cursor from) => new(_arena, _used, from.Offset);

    private static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, HashSeed);

    private static long ArrayBytes(int length, int elementSize) => length == 0 ? 0 : 24 + ((((long)length * elementSize) + 7) & ~7L);

    private static int TableLengthFor(int count) => (int)Math.Max(MinTableLength, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count * 2)));

    /// <summary>Arena offset of the key's record, or -1; <paramref name="slot"/> is its table slot or where to put it.</summary>
    private int Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        int mask = _table.Length - 1;
        int pos = (int)hash & mask;
        int firstFree = -1;
        while (true)
        {
            int entry = _table[pos];
            if (entry == Empty)
            {
                slot = firstFree >= 0 ? firstFree : pos;
                return -1;
            }

            if (entry == Tombstone)
            {
                if (firstFree < 0)
                {
                    firstFree = pos;
                }
            }
            else
            {
                int offset = entry - 1;
                if (BinaryPrimitives.ReadUInt16LittleEndian(_arena.AsSpan(offset)) == key.Length
                    && _arena.AsSpan(offset + HeaderSize, key.Length).SequenceEqual(key))
                {
                    slot = pos;
                    return offset;
                }
            }

            pos = (pos + 1) & mask;
        }
    }

    private int Append(ReadOnlySpan<byte> key)
    {
        int needed = HeaderSize + key.Length;
        if (_arena.Length - _used < needed)
        {
            long grown = Math.Max(_used + (long)needed, Math.Max(32, _arena.Length + (_arena.Length / 2)));
            if (grown > Array.MaxLength)
            {
                throw new InvalidOperationException("The tag index shard is full (2 GiB of keys).");
            }

            Array.Resize(ref _arena, (int)grown);
        }

        int offset = _used;
        BinaryPrimitives.WriteUInt16LittleEndian(_arena.AsSpan(offset), (ushort)key.Length);
        _arena[offset + 2] = 1;
        key.CopyTo(_arena.AsSpan(offset + HeaderSize));
        _used += needed;
        return offset;
    }

    /// <summary>Rewrites the arena with the live records only, then rebuilds the table.</summary>
    private void Compact()
    {
        var arena = new byte[Math.Max(32, (_used - _garbage) + ((_used - _garbage) / 4))];
        int written = 0;
        foreach (var key in this)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(arena.AsSpan(written), (ushort)key.Length);
            arena[written + 2] = 1;
            key.CopyTo(arena.AsSpan(written + HeaderSize));
            written += HeaderSize + key.Length;
        }

        _arena = arena;
        _used = written;
        _garbage = 0;
        Rehash(TableLengthFor(_count));
    }

    private void Rehash(int length)
    {
        var table = new int[length];
        int mask = length - 1;
        int offset = 0;
        while (offset < _used)
        {
            int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(_arena.AsSpan(offset));
            if (_arena[offset + 2] != 0)
            {
                int pos = (int)Hash(_arena.AsSpan(offset + HeaderSize, keyLength)) & mask;
                while (table[pos] != Empty)
                {
                    pos = (pos + 1) & mask;
                }

                table[pos] = offset + 1;
            }

            offset += HeaderSize + keyLength;
        }

        _table = table;
        _tombstones = 0;
    }

    /// <summary>Where an enumeration stopped, to go on after an await (an enumerator cannot live across one).</summary>
    public readonly record struct Cursor(int Offset);

    /// <summary>Walks the arena's live records.</summary>
    public ref struct Enumerator(byte[] arena, int used, int start)
    {
        private readonly byte[] _arena = arena;
        private readonly int _used = used;
        private int _next = start;

        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>Where the next <see cref="MoveNext"/> reads.</summary>
        public readonly Cursor Position => new(_next);

        public bool MoveNext()
        {
            while (_next < _used)
            {
                int offset = _next;
                int length = BinaryPrimitives.ReadUInt16LittleEndian(_arena.AsSpan(offset));
                _next = offset + HeaderSize + length;
                if (_arena[offset + 2] != 0)
                {
                    Current = _arena.AsSpan(offset + HeaderSize, length);
                    return true;
                }
            }

            return false;
        }
    }
}
