using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// Expiry changes that depend on what the key holds, under one lock hold (Redis's GETEX and EXPIRE NX/XX/GT/LT):
/// <see cref="OpCode.GetExpire"/> and <see cref="OpCode.ExpireIf"/>. Used under the store's lock.
/// </summary>
internal sealed class ConditionalExpiryOps(StringOps strings, KeyOps keyOps, ExpiryOps expiry)
{
    private const long Nx = 1;
    private const long Xx = 2;
    private const long Gt = 4;
    private const long Lt = 8;

    /// <summary>GETEX: the string, then its new expiry (ttlMs &gt; 0), none (0), or the key deleted (&lt; 0).</summary>
    public GridResult GetExpire(ReadOnlySpan<byte> key, ulong hash, long now, long ttlMs)
    {
        var read = strings.Get(key, hash, now);
        if (read.Status != ResultStatus.Ok)
        {
            return read;
        }

        if (ttlMs > 0)
        {
            expiry.Expire(key, hash, now, ttlMs);
        }
        else if (ttlMs == 0)
        {
            expiry.Persist(key, hash, now);
        }
        else
        {
            keyOps.Remove(key, hash, now);
        }

        return read;
    }

    /// <summary>EXPIRE with a condition: applied (1) only when the key's current expiry meets it.</summary>
    public GridResult ExpireIf(ReadOnlySpan<byte> key, ulong hash, long now, long ttlMs, long condition)
    {
        var current = expiry.TimeToLive(key, hash, now);
        if (current.Status != ResultStatus.Ok)
        {
            return GridResult.OfNumber(0);
        }

        // No expiry counts as an infinite one (Redis: GT never applies to it, LT always does).
        bool persistent = current.Number < 0;
        bool applies = condition switch
        {
            Nx => persistent,
            Xx => !persistent,
            Gt or Xx | Gt => !persistent && ttlMs > current.Number,
            Lt => persistent || ttlMs < current.Number,
            Xx | Lt => !persistent && ttlMs < current.Number,
            _ => false,
        };
        if (!applies)
        {
            return GridResult.OfNumber(0);
        }

        return ttlMs <= 0 ? keyOps.Remove(key, hash, now) : expiry.Expire(key, hash, now, ttlMs);
    }
}
