using System.Buffers;

namespace Grid.Resp.Protocol;

/// <summary>
/// The arguments of every command parsed from one read, as slices of the connection's input (no copy): a command is a
/// range of them (<see cref="RespCommandRange"/>). The slice array is pooled and reused by the next read, so parsing a
/// pipeline allocates nothing once it has grown.
/// </summary>
internal sealed class RespArguments : IDisposable
{
    private ReadOnlySequence<byte>[] _items = ArrayPool<ReadOnlySequence<byte>>.Shared.Rent(64);

    /// <summary>How many arguments are held.</summary>
    public int Count { get; private set; }

    /// <summary>The argument at <paramref name="index"/> (an index over every command of the read).</summary>
    public ref readonly ReadOnlySequence<byte> this[int index] => ref _items[index];

    /// <summary>Adds an argument.</summary>
    public void Add(in ReadOnlySequence<byte> item)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<ReadOnlySequence<byte>>.Shared.Rent(_items.Length * 2);
            Array.Copy(_items, larger, Count);
            Array.Clear(_items, 0, Count);
            ArrayPool<ReadOnlySequence<byte>>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = item;
    }

    /// <summary>Drops the arguments from <paramref name="count"/> on (a command that turned out incomplete).</summary>
    public void Truncate(int count)
    {
        Array.Clear(_items, count, Count - count);
        Count = count;
    }

    /// <summary>Forgets every argument (the input they point into is about to be released).</summary>
    public void Clear() => Truncate(0);

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        Clear();
        ArrayPool<ReadOnlySequence<byte>>.Shared.Return(_items);
        _items = [];
    }
}
