namespace Grid.Protocol;

/// <summary>The answer to one <see cref="GridOp"/>. Wire contract: ids never change.</summary>
[GenerateSerializer, Immutable, Alias("grid.Result")]
public readonly record struct GridResult
{
    /// <summary>How the operation ended.</summary>
    [Id(0)] public ResultStatus Status { get; init; }

    /// <summary>A number (counter value, length, count, TTL in ms, type, or 1/0 for yes/no).</summary>
    [Id(1)] public long Number { get; init; }

    /// <summary>A single value read.</summary>
    [Id(2)] public byte[]? Value { get; init; }

    /// <summary>Several values read (list range, list pop, hash values).</summary>
    [Id(3)] public byte[][]? Values { get; init; }

    /// <summary>Hash field names, parallel to <see cref="Values"/>.</summary>
    [Id(4)] public string[]? Fields { get; init; }

    /// <summary>What went wrong, for error statuses.</summary>
    [Id(5)] public string? Error { get; init; }

    /// <summary>A plain success.</summary>
    public static GridResult Ok => default;

    /// <summary>A success carrying a number.</summary>
    public static GridResult OfNumber(long number) => new() { Number = number };

    /// <summary>A success carrying a value.</summary>
    public static GridResult OfValue(byte[] value) => new() { Value = value };

    /// <summary>A status without payload.</summary>
    public static GridResult OfStatus(ResultStatus status) => new() { Status = status };

    /// <summary>A failure with a message.</summary>
    public static GridResult Failure(ResultStatus status, string error) => new() { Status = status, Error = error };
}
