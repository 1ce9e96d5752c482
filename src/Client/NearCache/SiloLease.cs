namespace Grid.Client.NearCache;

/// <summary>
/// Until when the client may serve values it read from one silo (milliseconds on the near cache's clock). Extended by
/// each renewal the silo answers, from the time the renewal was sent (so the silo, which counts from when it received
/// it, always believes the lease lasts at least as long as the client uses it). 0: never granted yet; a lease that
/// ran out stays lapsed until the next renewal, which first drops everything read from the silo.
/// </summary>
internal sealed class SiloLease
{
    private const long NotGranted = 0;
    private const long Lapsed = 1;
    private long _validUntil = NotGranted;

    /// <summary>Whether values read from the silo may be served at <paramref name="nowMs"/>.</summary>
    public bool IsValid(long nowMs) => Volatile.Read(ref _validUntil) > nowMs;

    /// <summary>Whether the lease was granted and then ran out (or failed) before <paramref name="nowMs"/>.</summary>
    public bool HasLapsed(long nowMs)
    {
        long until = Volatile.Read(ref _validUntil);
        return until != NotGranted && until <= nowMs;
    }

    /// <summary>Extends the lease to <paramref name="untilMs"/> (never shortens it).</summary>
    public void Extend(long untilMs)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _validUntil);
            if (current >= untilMs)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _validUntil, untilMs, current) != current);
    }

    /// <summary>Ends the lease now.</summary>
    public void Lapse() => Volatile.Write(ref _validUntil, Lapsed);
}
