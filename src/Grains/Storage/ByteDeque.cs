namespace Grid.Grains.Storage;

/// <summary>A growable ring buffer of byte arrays: O(1) push and pop at both ends, O(1) indexing.</summary>
internal sealed class ByteDeque
{
    private byte[][] _items = new byte[4][];
    private int _head;

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    public byte[] this[int index] => _items[(_head + index) & (_items.Length - 1)];

    public void PushLeft(byte[] item)
    {
        GrowIfFull();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = item;
        Count++;
    }

    public void PushRight(byte[] item)
    {
        GrowIfFull();
        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public byte[] PopLeft()
    {
        var item = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    public byte[] PopRight()
    {
        int index = (_head + Count - 1) & (_items.Length - 1);
        var item = _items[index];
        _items[index] = null!;
        Count--;
        return item;
    }

    private void GrowIfFull()
    {
        if (Count < _items.Length)
        {
            return;
        }

        var grown = new byte[_items.Length * 2][];
        for (int i = 0; i < Count; i++)
        {
            grown[i] = this[i];
        }

        _items = grown;
        _head = 0;
    }
}
