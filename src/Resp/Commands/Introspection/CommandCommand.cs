namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// COMMAND, COMMAND COUNT | LIST | INFO [name...] | DOCS [name...]: the command table as Redis 7.0 describes its own
/// (name and arity from the table; flags, key positions and categories from <see cref="RespCommandCatalog"/>; docs
/// from <see cref="RespCommandDocs"/>), so redis-cli's hints and client libraries that read it work. COMMAND INFO's key
/// specifications, tips and subcommands are empty.
/// </summary>
internal static class CommandCommand
{
    public static void Register(RespCommandTable table) =>
        table.Add(RespCommand.Local("command", -1, (context, in call, _, _) => Run(context, call, table)));

    private static void Run(RespContext context, in RespCall call, RespCommandTable table)
    {
        var writer = context.Writer;
        if (call.Count == 1)
        {
            writer.WriteArrayHeader(table.All.Count);
            foreach (var command in table.All.Values)
            {
                WriteInfo(context, command);
            }
        }
        else if (call.Is(1, "count"u8))
        {
            if (call.Count != 2)
            {
                writer.WriteError(RespErrors.WrongArity("command|count"));
                return;
            }

            writer.WriteInteger(table.All.Count);
        }
        else if (call.Is(1, "list"u8))
        {
            if (call.Count != 2)
            {
                // FILTERBY is not served.
                writer.WriteError(RespErrors.Syntax);
                return;
            }

            writer.WriteArrayHeader(table.All.Count);
            foreach (string name in table.All.Keys)
            {
                writer.WriteBulk(name);
            }
        }
        else if (call.Is(1, "info"u8))
        {
            if (call.Count == 2)
            {
                writer.WriteArrayHeader(table.All.Count);
                foreach (var command in table.All.Values)
                {
                    WriteInfo(context, command);
                }

                return;
            }

            writer.WriteArrayHeader(call.Count - 2);
            for (int i = 2; i < call.Count; i++)
            {
                if (table.Find(call[i]) is { } command)
                {
                    WriteInfo(context, command);
                }
                else
                {
                    writer.WriteNull();
                }
            }
        }
        else if (call.Is(1, "docs"u8))
        {
            var found = new List<RespCommand>();
            if (call.Count == 2)
            {
                found.AddRange(table.All.Values);
            }
            else
            {
                for (int i = 2; i < call.Count; i++)
                {
                    if (table.Find(call[i]) is { } command)
                    {
                        found.Add(command);
                    }
                }
            }

            writer.WriteMapHeader(found.Count);
            foreach (var command in found)
            {
                WriteDocs(context, command);
            }
        }
        else
        {
            writer.WriteError(RespErrors.UnknownSubcommand(call, "COMMAND"));
        }
    }

    /// <summary>One command as COMMAND INFO answers it: name, arity, flags, first key, last key, step, categories, tips, key specs, subcommands.</summary>
    private static void WriteInfo(RespContext context, RespCommand command)
    {
        var writer = context.Writer;
        var facts = RespCommandCatalog.Of(command.Name);
        writer.WriteArrayHeader(10);
        writer.WriteBulk(command.Name);
        writer.WriteInteger(command.Arity);
        RespText.WriteSimpleSet(writer, facts.Flags);
        writer.WriteInteger(facts.FirstKey);
        writer.WriteInteger(facts.LastKey);
        writer.WriteInteger(facts.Step);
        RespText.WriteSimpleSet(writer, facts.Categories);
        RespText.WriteSetHeader(writer, 0);
        writer.WriteArrayHeader(0);
        writer.WriteArrayHeader(0);
    }

    /// <summary>
    /// One command as COMMAND DOCS answers it: its name, then redis-server's own docs map (<see cref="RespCommandDocs"/>),
    /// or, for the grid's own commands, a map of summary, since, group and complexity.
    /// </summary>
    private static void WriteDocs(RespContext context, RespCommand command)
    {
        var writer = context.Writer;
        writer.WriteBulk(command.Name);
        if (RespCommandDocs.TryGet(command.Name, writer.Protocol, out byte[] map))
        {
            writer.WriteRaw(map);
            return;
        }

        var facts = RespCommandCatalog.Of(command.Name);
        writer.WriteMapHeader(4);
        writer.WriteBulk("summary"u8);
        writer.WriteBulk(facts.Summary);
        writer.WriteBulk("since"u8);
        writer.WriteBulk(facts.Since);
        writer.WriteBulk("group"u8);
        writer.WriteBulk(facts.Group);
        writer.WriteBulk("complexity"u8);
        writer.WriteBulk(facts.Complexity);
    }
}
