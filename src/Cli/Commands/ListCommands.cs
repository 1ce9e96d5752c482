using System.CommandLine;

namespace Grid.Cli.Commands;

/// <summary><c>lpush</c>, <c>rpush</c>, <c>lpop</c>, <c>rpop</c>, <c>lrange</c>, <c>llen</c>.</summary>
internal static class ListCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [Push(runner, "lpush"), Push(runner, "rpush"), Pop(runner, "lpop"), Pop(runner, "rpop"), Range(runner), Length(runner)];

    private static Command Push(CommandRunner runner, string name)
    {
        bool left = name == "lpush";
        var key = Arguments.Key();
        var values = new Argument<string[]>("VALUE") { Description = "One or more values, as UTF-8 text", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, left
            ? "Push values onto the head of a list, in order (the last ends up first); print the new length"
            : "Append values to the tail of a list; print the new length") { key, values };
        runner.Bind(command, ValueTypes.Lists, async call =>
        {
            var items = call.Value(values).Select(value => (ReadOnlyMemory<byte>)CommandCall.Bytes(value)).ToArray();
            long length = left
                ? await call.Cache.ListLeftPushAsync(call.Value(key), items, call.Cancellation).ConfigureAwait(false)
                : await call.Cache.ListRightPushAsync(call.Value(key), items, call.Cancellation).ConfigureAwait(false);
            return call.Print(length);
        });
        return command;
    }

    private static Command Pop(CommandRunner runner, string name)
    {
        bool left = name == "lpop";
        var key = Arguments.Key();
        var command = new Command(name, left ? "Remove and print the head of a list" : "Remove and print the tail of a list") { key };
        runner.Bind(command, ValueTypes.Lists, async call =>
        {
            string listKey = call.Value(key);
            var value = left
                ? await call.Cache.ListLeftPopAsync(listKey, call.Cancellation).ConfigureAwait(false)
                : await call.Cache.ListRightPopAsync(listKey, call.Cancellation).ConfigureAwait(false);
            return value is null ? call.NotFound($"list {ErrorText.Quote(listKey)} does not exist") : call.PrintValue(value);
        });
        return command;
    }

    private static Command Range(CommandRunner runner)
    {
        var key = Arguments.Key();
        var start = Arguments.Int64("START", 0, "First index (negative counts from the end) [default: 0]");
        var stop = Arguments.Int64("STOP", -1, "Last index, inclusive (-1 is the last) [default: -1]");
        var json = new Option<bool>("--json") { Description = "Print a JSON array of the elements (UTF-8 text) instead of lines" };
        var command = new Command("lrange", "Print list elements START through STOP, one per line (exit code 1 when the list does not exist)") { key, start, stop, json };
        runner.Bind(command, ValueTypes.Lists, async call =>
        {
            string listKey = call.Value(key);
            var values = await call.Cache.ListRangeAsync(listKey, call.Value(start), call.Value(stop), call.Cancellation).ConfigureAwait(false);

            // A missing key exits 1, as for every command that prints a key's contents; an empty range of a list that
            // exists prints nothing and exits 0. A list goes with its last element, so only an empty answer needs asking.
            if (values.Length == 0 && !await call.Cache.ExistsAsync(listKey, call.Cancellation).ConfigureAwait(false))
            {
                return call.NotFound($"list {ErrorText.Quote(listKey)} does not exist");
            }

            if (call.Value(json))
            {
                return call.PrintJson(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var value in values)
                    {
                        writer.WriteStringValue(CommandCall.Text(value));
                    }

                    writer.WriteEndArray();
                });
            }

            foreach (var value in values)
            {
                call.Out.WriteLine(CommandCall.Text(value));
            }

            return GridExitCodes.Ok;
        });
        return command;
    }

    private static Command Length(CommandRunner runner)
    {
        var key = Arguments.Key();
        var command = new Command("llen", "Print the length of a list (0 when it does not exist)") { key };
        runner.Bind(command, ValueTypes.Lists, async call =>
            call.Print(await call.Cache.ListLengthAsync(call.Value(key), call.Cancellation).ConfigureAwait(false)));
        return command;
    }
}
