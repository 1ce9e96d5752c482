namespace Grid.Resp.Commands;

/// <summary>
/// The expiry option of a SET or GETEX (EX, PX, EXAT, PXAT) and where its number is, read as Redis 7 reads them
/// (t_string.c <c>parseExtendedStringArgumentsOrReply</c>): the same option may come again and the last one counts, but
/// two different ones are a syntax error; the number is checked only once the options parsed.
/// </summary>
internal readonly record struct ExpiryArgument(ExpiryUnit Unit, int ValueIndex)
{
    /// <summary>Whether an expiry option was given.</summary>
    public bool IsGiven => Unit != ExpiryUnit.None;

    /// <summary>The expiry option at <paramref name="index"/>, or <see cref="ExpiryUnit.None"/>.</summary>
    public static ExpiryUnit UnitAt(in RespCall call, int index) =>
        call.Is(index, "ex"u8) ? ExpiryUnit.Seconds
        : call.Is(index, "px"u8) ? ExpiryUnit.Milliseconds
        : call.Is(index, "exat"u8) ? ExpiryUnit.UnixSeconds
        : call.Is(index, "pxat"u8) ? ExpiryUnit.UnixMilliseconds
        : ExpiryUnit.None;

    /// <summary>Whether <paramref name="unit"/> may follow this option (none yet, or the same one again).</summary>
    public bool Accepts(ExpiryUnit unit) => Unit == ExpiryUnit.None || Unit == unit;

    /// <summary>
    /// Reads the number: the time to live in ms from <paramref name="nowMs"/> (0 or less: an absolute time already
    /// past), or the Redis error for a number that is not an integer or not a valid expire time of <paramref name="command"/>.
    /// </summary>
    public string? TryTimeToLive(in RespCall call, long nowMs, string command, out long ttlMs)
    {
        ttlMs = 0;
        long unitMs = Unit is ExpiryUnit.Seconds or ExpiryUnit.UnixSeconds ? 1000 : 1;
        if (!call.TryInt64(ValueIndex, out long amount))
        {
            return RespErrors.NotInteger;
        }

        if (amount <= 0 || amount > long.MaxValue / unitMs)
        {
            return RespErrors.InvalidExpire(command);
        }

        ttlMs = Unit is ExpiryUnit.UnixSeconds or ExpiryUnit.UnixMilliseconds ? (amount * unitMs) - nowMs : amount * unitMs;
        return null;
    }
}
