using System.Globalization;
using System.Net;
using System.Text;
using Grid.Resp.Connections;

namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// One connection's line of CLIENT INFO and CLIENT LIST, with Redis 7.0's fields in Redis's order. Fields the endpoint
/// has no equivalent for (file descriptor, buffer sizes, memory) are written as Redis writes an idle, empty client's.
/// </summary>
internal static class ClientInfoLine
{
    /// <summary>The line of <paramref name="session"/> ending in <c>\n</c>; <paramref name="command"/> names the running command for the caller's own line.</summary>
    public static string Of(RespSession session, string? command = null)
    {
        long now = Environment.TickCount64;
        var line = new StringBuilder(256);
        var culture = CultureInfo.InvariantCulture;
        line.Append(culture, $"id={session.Id} addr={Address(session.Remote)} laddr={Address(session.Local)} fd=-1 name={session.Name}");
        line.Append(culture, $" age={(now - session.OpenedAt) / 1000} idle={(command is null ? (now - session.LastActiveAt) / 1000 : 0)}");
        line.Append(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r");
        line.Append(culture, $" cmd={command ?? session.LastCommand?.Name ?? "NULL"} user={session.User} redir=-1 resp={session.Protocol}\n");
        return line.ToString();
    }

    /// <summary>An address as Redis writes it: <c>ip:port</c> (an IPv6 address without brackets).</summary>
    private static string Address(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => ip.Address.ToString() + ":" + ip.Port.ToString(CultureInfo.InvariantCulture),
        null => "",
        _ => endPoint.ToString() ?? "",
    };
}
