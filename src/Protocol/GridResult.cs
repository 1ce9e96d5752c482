namespace Grid.Protocol;

/// <summary>The answer to one <see cref="GridOp"/>, as read from a result frame (<see cref="Wire.ResultFrame"/>).</summary>
internal readonly record struct GridResult
{
    /// <summary>How the operation ended.</summary>
    public ResultStatus Status { get; init; }

    /// <summary>A number (counter value, length, count, TTL in ms, type, or 1/0 for yes/no).</summary>
    public long Number { get; init; }

    /// <summary>A single value read.</summary>
    public byte[]? Value { get; init; }

    /// <summary>Several values read (list range, list pop, hash values).</summary>
    public byte[][]? Values { get; init; }

    /// <summary>Hash field names, parallel to <see cref="Values"/>.</summary>
    public string[]? Fields { get; init; }

    /// <summary>What went wrong, for error statuses.</summary>
    public string? Error { get; init; }

    /// <summary>Whether the tracking details below were sent (tracked reads only).</summary>
    public bool Tracked { get; init; }

    /// <summary>Tracked read: the partition's version when the value was read.</summary>
    public long Version { get; init; }

    /// <summary>Tracked read: ms the entry has left (-1 none); <see cref="NotCacheable"/> when the client must not keep it.</summary>
    public long TimeToLiveMs { get; init; }

    /// <summary>Tracked read: the last invalidation sequence number of this partition for this client at read time.</summary>
    public long Sequence { get; init; }

    /// <summary><see cref="TimeToLiveMs"/> of an entry the client must not keep (sliding expiration, or not tracked).</summary>
    public const long NotCacheable = -2;

    /// <summary>
    /// With <see cref="OpFlags.WithVersion"/> or <see cref="OpFlags.IfVersion"/>: the entry's version after the operation
    /// (0 when the key does not exist), or on a version conflict the version it has.
    /// </summary>
    public long EntryVersion { get; init; }

    /// <summary>Whether <see cref="EntryVersion"/> was sent.</summary>
    public bool HasEntryVersion { get; init; }

    /// <summary>
    /// An untracked read of a key the silo counts among its hot ones: a near cache should keep it even if its admission
    /// would not (a key many clients read is hot on the silo though each client reads it only now and then).
    /// </summary>
    public bool HotKey { get; init; }

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
