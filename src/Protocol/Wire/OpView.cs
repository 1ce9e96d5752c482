namespace Grid.Protocol.Wire;

/// <summary>
/// One operation read from a frame, without copying: key, value and the rest are slices of the frame.
/// The silo-side twin of <see cref="GridOp"/>.
/// </summary>
internal readonly ref struct OpView
{
    public OpCode Code { get; init; }

    public OpFlags Flags { get; init; }

    public ReadOnlySpan<byte> Key { get; init; }

    public long Arg0 { get; init; }

    public long Arg1 { get; init; }

    public bool HasValue { get; init; }

    public ReadOnlySpan<byte> Value { get; init; }

    public bool HasField { get; init; }

    /// <summary>The hash field's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Field { get; init; }

    /// <summary>How many list values follow in <see cref="ValuesSection"/>.</summary>
    public int ValueCount { get; init; }

    /// <summary>The list values, each length-prefixed; read them with <see cref="ValueList"/>.</summary>
    public ReadOnlySpan<byte> ValuesSection { get; init; }

    /// <summary>The tags block (as stored in records); empty when there are no tags.</summary>
    public ReadOnlySpan<byte> Tags { get; init; }

    /// <summary>The write's request id among its client's requests (0: none; see <see cref="GridOp.RequestId"/>).</summary>
    public long RequestId { get; init; }

    /// <summary>With <see cref="OpFlags.IfVersion"/>: the entry version required (see <see cref="GridOp.ExpectedVersion"/>).</summary>
    public long ExpectedVersion { get; init; }

    public ValueList Values => new(ValuesSection, ValueCount);

    /// <summary>Enumerates the length-prefixed list values of an operation.</summary>
    public ref struct ValueList(ReadOnlySpan<byte> section, int count)
    {
        private FrameReader _reader = new(section);
        private int _remaining = count;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly ValueList GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            _remaining--;
            Current = _reader.ReadBytes();
            return true;
        }
    }
}
