using Grid.Resp.Commands.Introspection;

namespace Grid.Resp.Commands;

/// <summary>Connection commands: PING, ECHO, HELLO, SELECT, QUIT, CLIENT (ID, SETNAME, GETNAME, INFO, LIST).</summary>
internal static class ConnectionCommands
{
    /// <summary>The Redis version whose semantics the endpoint follows (HELLO's <c>version</c>; clients pick features by it).</summary>
    public const string RedisVersion = "7.0.0";

    public static void Register(RespCommandTable table)
    {
        table.Add(RespCommand.Local("ping", -1, static (context, in call, _, _) =>
        {
            if (call.Count > 2)
            {
                context.Writer.WriteError(RespErrors.WrongArity("ping"));
            }
            else if (call.Count == 2)
            {
                context.Writer.WriteBulk(call[1]);
            }
            else
            {
                context.Writer.WriteSimple("PONG"u8);
            }
        }));
        table.Add(RespCommand.Local("echo", 2, static (context, in call, _, _) => context.Writer.WriteBulk(call[1])));
        // Sequential: an AUTH in it applies to the commands after it in the same read.
        table.Add(RespCommand.Sequential("hello", -1, static (context, call) =>
        {
            Hello(context, call);
            return ValueTask.CompletedTask;
        }));
        table.Add(RespCommand.Local("select", 2, static (context, in call, _, _) =>
        {
            if (!call.TryInt64(1, out long db))
            {
                context.Writer.WriteError(RespErrors.NotInteger);
            }
            else if (db != 0)
            {
                context.Writer.WriteError(RespErrors.DbIndexOutOfRange);
            }
            else
            {
                context.Writer.WriteOk();
            }
        }));
        table.Add(RespCommand.Sequential("quit", -1, static (context, _) =>
        {
            context.Writer.WriteOk();
            context.Session.Closing = true;
            return ValueTask.CompletedTask;
        }));
        table.Add(RespCommand.Local("client", -2, Client));
    }

    /// <summary>HELLO [protover [AUTH user pass] [SETNAME name]]: switches the protocol, then answers the server's map in it.</summary>
    private static void Hello(RespContext context, in RespCall call)
    {
        int protocol = context.Writer.Protocol;
        if (call.Count > 1)
        {
            if (!call.TryInt64(1, out long version))
            {
                context.Writer.WriteError("ERR Protocol version is not an integer or out of range");
                return;
            }

            if (version is < 2 or > 3)
            {
                context.Writer.WriteError("NOPROTO unsupported protocol version");
                return;
            }

            protocol = (int)version;
        }

        string? name = null;
        int authAt = 0;
        for (int j = 2; j < call.Count; j++)
        {
            int more = call.Count - j - 1;
            if (call.Is(j, "auth"u8) && more >= 2)
            {
                authAt = j + 1;
                j += 2;
            }
            else if (call.Is(j, "setname"u8) && more >= 1)
            {
                name = call.Text(j + 1);
                if (!IsValidName(name))
                {
                    context.Writer.WriteError("ERR Client names cannot contain spaces, newlines or special characters.");
                    return;
                }

                j++;
            }
            else
            {
                context.Writer.WriteError($"ERR Syntax error in HELLO option '{call.Text(j)}'");
                return;
            }
        }

        if (authAt != 0 && AuthCommands.TryAuthenticate(context, call.Text(authAt), call[authAt + 1]) is { } authError)
        {
            context.Writer.WriteError(authError);
            return;
        }

        if (!context.Session.Authenticated)
        {
            context.Writer.WriteError(RespAuthGate.HelloNoAuth);
            return;
        }

        if (name is not null)
        {
            context.Session.Name = name.Length == 0 ? null : name;
        }

        context.Writer.Protocol = protocol;
        context.Session.Protocol = protocol;
        var writer = context.Writer;
        writer.WriteMapHeader(7);
        writer.WriteBulk("server"u8);
        writer.WriteBulk("grid"u8);
        writer.WriteBulk("version"u8);
        writer.WriteBulk(RedisVersion);
        writer.WriteBulk("proto"u8);
        writer.WriteInteger(protocol);
        writer.WriteBulk("id"u8);
        writer.WriteInteger(context.Session.Id);
        writer.WriteBulk("mode"u8);
        writer.WriteBulk("standalone"u8);
        writer.WriteBulk("role"u8);
        writer.WriteBulk("master"u8);
        writer.WriteBulk("modules"u8);
        writer.WriteArrayHeader(0);
    }

    /// <summary>CLIENT ID | SETNAME name | GETNAME | INFO | LIST [TYPE type] [ID id...].</summary>
    private static void Client(RespContext context, in RespCall call, ReadOnlySpan<Grid.Protocol.GridResult> results, long state)
    {
        if (call.Is(1, "id"u8))
        {
            if (call.Count != 2)
            {
                context.Writer.WriteError(RespErrors.WrongArity("client|id"));
                return;
            }

            context.Writer.WriteInteger(context.Session.Id);
        }
        else if (call.Is(1, "setname"u8))
        {
            if (call.Count != 3)
            {
                context.Writer.WriteError(RespErrors.WrongArity("client|setname"));
                return;
            }

            string name = call.Text(2);
            if (!IsValidName(name))
            {
                context.Writer.WriteError("ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }

            context.Session.Name = name.Length == 0 ? null : name;
            context.Writer.WriteOk();
        }
        else if (call.Is(1, "getname"u8))
        {
            if (call.Count != 2)
            {
                context.Writer.WriteError(RespErrors.WrongArity("client|getname"));
                return;
            }

            if (context.Session.Name is { } name)
            {
                context.Writer.WriteBulk(name);
            }
            else
            {
                context.Writer.WriteNull();
            }
        }
        else if (call.Is(1, "info"u8))
        {
            if (call.Count != 2)
            {
                context.Writer.WriteError(RespErrors.WrongArity("client|info"));
                return;
            }

            RespText.WriteVerbatim(context.Writer, ClientInfoLine.Of(context.Session, "client|info"));
        }
        else if (call.Is(1, "list"u8))
        {
            ClientList.Write(context, call);
        }
        else
        {
            context.Writer.WriteError(RespErrors.UnknownSubcommand(call, "CLIENT"));
        }
    }

    /// <summary>Redis's rule for client names: printable ASCII without spaces (networking.c <c>validateClientName</c>).</summary>
    private static bool IsValidName(string name)
    {
        foreach (char c in name)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
