namespace Grid.Client.Routing;

/// <summary>
/// Whether a client may send a silo's batches to its direct entry service (<see cref="Grid.Protocol.ISiloDirectEntry"/>)
/// at the silo's own gateway. Usable once the client's Orleans runtime surely knows that gateway (listed by its
/// gateway list provider for at least <see cref="ListedFor"/>, two of the runtime's list refreshes: a call addressed to
/// a gateway it does not know yet would be sent through another, which cannot pass it on); not for
/// <see cref="FailedPause"/> after a direct call was refused unrun (then the entry grain carries the batches).
/// </summary>
internal sealed class DirectRoute(Orleans.Runtime.SiloAddress gateway, bool listed, long listedSince, long listedFor = DirectRoute.DefaultListedFor)
{
    /// <summary>How long a gateway must have been listed before calls go to it directly, by default (two of the client's 1 s list refreshes).</summary>
    public const long DefaultListedFor = 2_000;

    /// <summary>How long a gateway must have been listed before calls go to it directly (ms).</summary>
    public long ListedFor { get; } = listedFor;

    /// <summary>How long the entry grain carries the batches after a direct call was refused.</summary>
    public const long FailedPause = 10_000;

    private long _listedSince = listedSince;
    private long _failedUntil;
    private volatile bool _listed = listed;

    /// <summary>The silo's gateway address: what the direct entry's id carries, so the call goes to that gateway.</summary>
    public Orleans.Runtime.SiloAddress Gateway { get; } = gateway;

    /// <summary>True when a batch may go directly now (<see cref="Environment.TickCount64"/> ms).</summary>
    public bool IsUsable(long now) =>
        _listed && now - Volatile.Read(ref _listedSince) >= ListedFor && now >= Volatile.Read(ref _failedUntil);

    /// <summary>The gateway list was read again at <paramref name="now"/>; <paramref name="listed"/> whether it held this gateway.</summary>
    public void Seen(bool listed, long now)
    {
        if (listed && !_listed)
        {
            Volatile.Write(ref _listedSince, now);
        }

        _listed = listed;
    }

    /// <summary>A direct call was refused before it ran: the entry grain carries the batches for a while.</summary>
    public void Failed(long now) => Volatile.Write(ref _failedUntil, now + FailedPause);
}
