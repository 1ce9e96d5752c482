namespace Grid.Protocol;

/// <summary>
/// One operation on one key, as it travels from a client to a silo. The meaning of <see cref="Arg0"/> and <see cref="Arg1"/>
/// depends on <see cref="Code"/> (see <see cref="OpCode"/>). Clients build these; a batch travels as one request frame (<see cref="Wire.OpFrame"/>).
/// </summary>
internal sealed class GridOp
{
    /// <summary>What to do.</summary>
    public OpCode Code { get; set; }

    /// <summary>The key, UTF-8 encoded.</summary>
    public byte[] Key { get; set; } = [];

    /// <summary>The value to write, where the operation writes one.</summary>
    public byte[]? Value { get; set; }

    /// <summary>Set/Expire: time to live in ms (0 = none). Increment: delta. ListPop: count. ListRange: start.</summary>
    public long Arg0 { get; set; }

    /// <summary>Set: sliding window in ms (0 = none). ListRange: stop.</summary>
    public long Arg1 { get; set; }

    /// <summary>Modifiers.</summary>
    public OpFlags Flags { get; set; }

    /// <summary>The hash field of hash operations.</summary>
    public string? Field { get; set; }

    /// <summary>The values a list push appends.</summary>
    public byte[][]? Values { get; set; }

    /// <summary>Tags a Set attaches to the entry.</summary>
    public string[]? Tags { get; set; }

    /// <summary>
    /// A write's number among its client's requests (0: none). Sent again after a failure, the same number lets the
    /// partition answer what it answered the first time instead of applying the write twice.
    /// </summary>
    public long RequestId { get; set; }

    /// <summary>With <see cref="OpFlags.IfVersion"/>: the entry version the operation requires (0: the key must not exist).</summary>
    public long ExpectedVersion { get; set; }
}
