namespace Grid.Resp.Commands;

/// <summary>Which expiry option of SET or GETEX an argument is.</summary>
internal enum ExpiryUnit
{
    /// <summary>Not an expiry option.</summary>
    None,

    /// <summary><c>EX seconds</c>, from now.</summary>
    Seconds,

    /// <summary><c>PX milliseconds</c>, from now.</summary>
    Milliseconds,

    /// <summary><c>EXAT unix-seconds</c>.</summary>
    UnixSeconds,

    /// <summary><c>PXAT unix-milliseconds</c>.</summary>
    UnixMilliseconds,
}
