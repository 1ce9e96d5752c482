namespace Grid.Resp.Connections;

/// <summary>What one connection has said about itself: its id, its name (CLIENT SETNAME), and whether it asked to close.</summary>
internal sealed class RespSession(long id)
{
    /// <summary>The connection's id (CLIENT ID, HELLO's <c>id</c>), unique within the silo.</summary>
    public long Id { get; } = id;

    /// <summary>The name given by CLIENT SETNAME or HELLO SETNAME; null when none.</summary>
    public string? Name { get; set; }

    /// <summary>Set by QUIT: the reply is sent, the rest of the input is ignored and the connection closed.</summary>
    public bool Closing { get; set; }

    /// <summary>Client-side caching (CLIENT TRACKING); null until the connection first turns it on.</summary>
    public Tracking.TrackingClient? Tracking { get; set; }

    /// <summary>Wakes the connection's read loop (to write tracking invalidations while it waits for input).</summary>
    public Action Wake { get; set; } = static () => { };
}
