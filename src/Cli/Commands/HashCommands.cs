using System.CommandLine;

namespace Grid.Cli.Commands;

/// <summary><c>hset</c>, <c>hget</c>, <c>hgetall</c>, <c>hdel</c>.</summary>
internal static class HashCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [Set(runner), Get(runner), GetAll(runner), Delete(runner)];

    private static Command Set(CommandRunner runner)
    {
        var key = Arguments.Key();
        var field = Arguments.Field();
        var value = new ValueInput();
        var command = new Command("hset", "Set a hash field to a value: text, '-' for standard input, or --file PATH (prints \"created\" or \"updated\")") { key, field };
        value.AddTo(command);
        runner.Bind(command, ValueTypes.Hashes, async call =>
        {
            byte[] bytes = await value.ReadAsync(call).ConfigureAwait(false);
            bool created = await call.Cache.HashSetAsync(call.Value(key), call.Value(field), bytes, call.Cancellation).ConfigureAwait(false);
            return call.Print(created ? "created" : "updated");
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var key = Arguments.Key();
        var field = Arguments.Field();
        var command = new Command("hget", "Print a hash field's value") { key, field };
        runner.Bind(command, ValueTypes.Hashes, async call =>
        {
            string name = call.Value(key);
            string fieldName = call.Value(field);
            var value = await call.Cache.HashGetAsync(name, fieldName, call.Cancellation).ConfigureAwait(false);
            return value is null
                ? call.NotFound($"field {ErrorText.Quote(fieldName)} of key {ErrorText.Quote(name)} does not exist")
                : call.PrintValue(value);
        });
        return command;
    }

    private static Command GetAll(CommandRunner runner)
    {
        var key = Arguments.Key();
        var json = new Option<bool>("--json") { Description = "Print a JSON object of field to value (UTF-8 text) instead of lines" };
        var command = new Command("hgetall", "Print every field of a hash, one \"FIELD<tab>VALUE\" per line, sorted by field") { key, json };
        runner.Bind(command, ValueTypes.Hashes, async call =>
        {
            string name = call.Value(key);
            var fields = await call.Cache.HashGetAllAsync(name, call.Cancellation).ConfigureAwait(false);
            if (fields.Count == 0)
            {
                // A hash goes with its last field, so an empty answer means there is no hash.
                return call.NotFound($"key {ErrorText.Quote(name)} does not exist");
            }

            var sorted = fields.OrderBy(pair => pair.Key, StringComparer.Ordinal);
            if (call.Value(json))
            {
                return call.PrintJson(writer =>
                {
                    writer.WriteStartObject();
                    foreach (var (fieldName, value) in sorted)
                    {
                        writer.WriteString(fieldName, CommandCall.Text(value));
                    }

                    writer.WriteEndObject();
                });
            }

            foreach (var (fieldName, value) in sorted)
            {
                call.Out.WriteLine($"{fieldName}\t{CommandCall.Text(value)}");
            }

            return GridExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var key = Arguments.Key();
        var field = Arguments.Field();
        var command = new Command("hdel", "Delete a hash field") { key, field };
        runner.Bind(command, ValueTypes.Hashes, async call =>
        {
            string name = call.Value(key);
            string fieldName = call.Value(field);
            return await call.Cache.HashDeleteAsync(name, fieldName, call.Cancellation).ConfigureAwait(false)
                ? call.Print("deleted")
                : call.NotFound($"field {ErrorText.Quote(fieldName)} of key {ErrorText.Quote(name)} does not exist");
        });
        return command;
    }
}
