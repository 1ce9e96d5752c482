using System.Text;
using Grid.Resp.Connections;

namespace Grid.Resp.Commands.Introspection;

/// <summary>CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id ...]: the silo's open RESP connections, one line each.</summary>
internal static class ClientList
{
    public static void Write(RespContext context, in RespCall call)
    {
        HashSet<long>? ids = null;
        bool none = false;
        if (call.Count == 4 && call.Is(2, "type"u8))
        {
            // Every RESP connection is a normal client: the other types list nothing.
            if (call.Is(3, "master"u8) || call.Is(3, "replica"u8) || call.Is(3, "slave"u8) || call.Is(3, "pubsub"u8))
            {
                none = true;
            }
            else if (!call.Is(3, "normal"u8))
            {
                context.Writer.WriteError($"ERR Unknown client type '{call.Text(3)}'");
                return;
            }
        }
        else if (call.Count >= 4 && call.Is(2, "id"u8))
        {
            ids = [];
            for (int i = 3; i < call.Count; i++)
            {
                if (!call.TryInt64(i, out long id))
                {
                    context.Writer.WriteError("ERR Invalid client ID");
                    return;
                }

                ids.Add(id);
            }
        }
        else if (call.Count != 2)
        {
            context.Writer.WriteError(RespErrors.Syntax);
            return;
        }

        var text = new StringBuilder();
        if (!none)
        {
            var sessions = new List<RespSession>(context.Grid.Sessions);
            sessions.Sort(static (a, b) => a.Id.CompareTo(b.Id));
            foreach (var session in sessions)
            {
                if (ids is null || ids.Contains(session.Id))
                {
                    text.Append(ClientInfoLine.Of(session, ReferenceEquals(session, context.Session) ? "client|list" : null));
                }
            }
        }

        RespText.WriteVerbatim(context.Writer, text.ToString());
    }
}
