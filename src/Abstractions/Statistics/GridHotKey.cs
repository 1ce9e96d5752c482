namespace Grid;

/// <summary>
/// One of the most used keys, as a silo's hot-key tracker estimates it (approximate: a count-min sketch whose counts
/// decay, so the rates follow what is hot now; an estimate may be a little high, never much low).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.HotKey")]
public sealed record GridHotKey
{
    /// <summary>The key.</summary>
    [Id(0)] public string Key { get; init; } = "";

    /// <summary>Estimated reads per second of the key, over the last decay periods.</summary>
    [Id(1)] public double ReadsPerSecond { get; init; }

    /// <summary>Estimated writes per second of the key, over the last decay periods.</summary>
    [Id(2)] public double WritesPerSecond { get; init; }

    /// <summary>The silo that counted it (the one holding the key's partition), as <c>host:port@generation</c> (as statistics name silos).</summary>
    [Id(3)] public string Silo { get; init; } = "";

    /// <summary>Reads and writes per second together, the order of <c>GetHotKeysAsync</c>.</summary>
    public double OperationsPerSecond => ReadsPerSecond + WritesPerSecond;
}
