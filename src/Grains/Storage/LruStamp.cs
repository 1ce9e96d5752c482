using System.Runtime.CompilerServices;

namespace Grid.Grains.Storage;

/// <summary>
/// LRU stamps: the low 32 bits of unix ms kept in each record (<see cref="EntryRecord.Stamp"/>), compared by unsigned
/// difference. The expiry sweep pulls stamps older than <see cref="MaxAge"/> back so that a long-idle entry still reads
/// as old instead of wrapping around to look new.
/// </summary>
internal static class LruStamp
{
    /// <summary>The oldest a stamp is kept; older ones are pulled back to this age by the sweep.</summary>
    public const uint MaxAge = 20u * 24 * 3600 * 1000;

    /// <summary>How far ahead of "now" a stamp may be and still read as new rather than as very old (see <see cref="Age"/>).</summary>
    public const uint MaxLead = 24u * 3600 * 1000;

    /// <summary>
    /// Milliseconds since <paramref name="stamp"/>. A stamp up to <see cref="MaxLead"/> ahead of
    /// <paramref name="nowStamp"/> (a writer read the clock just after the caller did, or the clock was stepped back)
    /// belongs to an entry as new as can be: its age is 0, not the near-2^32 the unsigned difference gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Age(uint nowStamp, uint stamp)
    {
        uint age = unchecked(nowStamp - stamp);
        return age > uint.MaxValue - MaxLead ? 0 : age;
    }
}
