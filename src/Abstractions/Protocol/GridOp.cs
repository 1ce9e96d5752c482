namespace Grid.Protocol;

/// <summary>
/// One operation on one key, as it travels from a client to a silo. The meaning of <see cref="Arg0"/> and <see cref="Arg1"/>
/// depends on <see cref="Code"/> (see <see cref="OpCode"/>). Wire contract: ids never change.
/// </summary>
[GenerateSerializer, Alias("grid.Op")]
public sealed class GridOp
{
    /// <summary>What to do.</summary>
    [Id(0)] public OpCode Code { get; set; }

    /// <summary>The key, UTF-8 encoded.</summary>
    [Id(1)] public byte[] Key { get; set; } = [];

    /// <summary>The value to write, where the operation writes one.</summary>
    [Id(2)] public byte[]? Value { get; set; }

    /// <summary>Set/Expire: time to live in ms (0 = none). Increment: delta. ListPop: count. ListRange: start.</summary>
    [Id(3)] public long Arg0 { get; set; }

    /// <summary>Set: sliding window in ms (0 = none). ListRange: stop.</summary>
    [Id(4)] public long Arg1 { get; set; }

    /// <summary>Modifiers.</summary>
    [Id(5)] public OpFlags Flags { get; set; }

    /// <summary>The hash field of hash operations.</summary>
    [Id(6)] public string? Field { get; set; }

    /// <summary>The values a list push appends.</summary>
    [Id(7)] public byte[][]? Values { get; set; }

    /// <summary>Tags a Set attaches to the entry.</summary>
    [Id(8)] public string[]? Tags { get; set; }
}
