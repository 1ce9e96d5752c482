using System.Net;
using Grid.Resp.Commands;

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

    /// <summary>The protocol the connection chose with HELLO (2 or 3; CLIENT INFO <c>resp</c>).</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>The client's address (CLIENT INFO <c>addr</c>; FLUSHALL without an admin token admits loopback only).</summary>
    public EndPoint? Remote { get; init; }

    /// <summary>The address the client connected to (CLIENT INFO <c>laddr</c>).</summary>
    public EndPoint? Local { get; init; }

    /// <summary>When the connection opened (<see cref="Environment.TickCount64"/>).</summary>
    public long OpenedAt { get; init; } = Environment.TickCount64;

    /// <summary>When the connection last sent something (<see cref="Environment.TickCount64"/>; CLIENT INFO <c>idle</c>).</summary>
    public long LastActiveAt { get; set; } = Environment.TickCount64;

    /// <summary>The last command the connection ran (CLIENT INFO <c>cmd</c>); null before the first.</summary>
    public RespCommand? LastCommand { get; set; }

    /// <summary>
    /// Whether commands other than AUTH, HELLO and QUIT may run: true from the start when <c>Grid:Resp:Password</c> is
    /// not set, else after AUTH (or HELLO ... AUTH) with the password.
    /// </summary>
    public bool Authenticated { get; set; }

    /// <summary>The user the connection authenticated as (<c>default</c>, or <c>admin</c> with the grid's admin token).</summary>
    public string User { get; set; } = "default";

    /// <summary>Authenticated as <c>admin</c> with the grid's admin token (<c>Grid:Admin:Token</c>): FLUSHALL is allowed.</summary>
    public bool IsAdmin { get; set; }

    /// <summary>Client-side caching (CLIENT TRACKING); null until the connection first turns it on.</summary>
    public Tracking.TrackingClient? Tracking { get; set; }

    /// <summary>Wakes the connection's read loop (to write tracking invalidations while it waits for input).</summary>
    public Action Wake { get; set; } = static () => { };
}
