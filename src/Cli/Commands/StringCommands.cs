using System.CommandLine;
using Grid.Cli.Parsing;
using Grid.Client;

namespace Grid.Cli.Commands;

/// <summary><c>set</c>, <c>get</c>, <c>incr</c>, <c>decr</c>.</summary>
internal static class StringCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [Set(runner), Get(runner), Increment(runner, "incr"), Increment(runner, "decr")];

    private static Command Set(CommandRunner runner)
    {
        var key = Arguments.Key();
        var value = new ValueInput();
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "Expire this long after the write", HelpName = "duration", CustomParser = ValueParsers.OptionalDuration };
        var sliding = new Option<TimeSpan?>("--sliding") { Description = "Expire when not read for this long", HelpName = "duration", CustomParser = ValueParsers.OptionalDuration };
        var nx = new Option<bool>("--nx") { Description = "Only set when the key does not exist" };
        var xx = new Option<bool>("--xx") { Description = "Only set when the key exists" };
        var tags = new Option<string[]>("--tag") { Description = "Tag the entry; repeatable", HelpName = "tag" };
        var invalidate = new Option<string[]>("--invalidate-tag") { Description = "After the write, remove every other entry carrying this tag; repeatable", HelpName = "tag" };
        var ifVersion = Arguments.IfVersion("Only set when the entry is at this version (from 'get --version'; 0: only when the key does not exist); prints the new version; exit code 1 on a conflict");
        var command = new Command("set", "Set a key to a value: text, '-' for standard input, or --file PATH") { key };
        value.AddTo(command);
        foreach (var option in new Option[] { ttl, sliding, nx, xx, tags, invalidate, ifVersion })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.ValueOrDefault(nx) && result.ValueOrDefault(xx))
            {
                result.AddError("--nx and --xx cannot be used together");
            }

            if (result.ValueOrDefault(ifVersion) is not null && (result.ValueOrDefault(nx) || result.ValueOrDefault(xx)))
            {
                result.AddError("--if-version cannot be used with --nx or --xx");
            }
        });

        runner.Bind(command, ValueTypes.Any, async call =>
        {
            bool onlyIfMissing = call.Value(nx);
            var options = new GridEntryOptions
            {
                TimeToLive = call.Value(ttl),
                SlidingExpiration = call.Value(sliding),
                When = onlyIfMissing ? SetCondition.NotExists : call.Value(xx) ? SetCondition.Exists : SetCondition.Always,
                Tags = call.Value(tags) is { Length: > 0 } given ? given : null,
                InvalidateTags = call.Value(invalidate) is { Length: > 0 } dependents ? dependents : null,
                IfVersion = call.Value(ifVersion),
            };
            call.CheckTimeToLive(options.TimeToLive, "--ttl");
            call.CheckTimeToLive(options.SlidingExpiration, "--sliding");
            string name = call.Value(key);
            byte[] bytes = await value.ReadAsync(call).ConfigureAwait(false);
            if (options.IfVersion is { } expected)
            {
                var outcome = await call.Cache.SetWithVersionAsync(name, bytes, options, call.Cancellation).ConfigureAwait(false);
                return outcome.Applied
                    ? call.Print($"OK{Environment.NewLine}{outcome.Version}")
                    : call.NotFound(VersionConflict(name, expected, outcome.Version));
            }

            bool written = await call.Cache.SetAsync(name, bytes, options, call.Cancellation).ConfigureAwait(false);
            return written
                ? call.Print("OK")
                : call.NotFound($"not set: key {ErrorText.Quote(name)} {(onlyIfMissing ? "already exists" : "does not exist")}");
        });
        return command;
    }

    /// <summary>What a versioned write that did not happen says on stderr.</summary>
    public static string VersionConflict(string key, long expected, long current) =>
        $"conflict: key {ErrorText.Quote(key)} {(current == 0 ? "does not exist" : $"is at version {current}")}, not {(expected == 0 ? "absent" : $"at version {expected}")}; nothing changed";

    private static Command Get(CommandRunner runner)
    {
        var key = Arguments.Key();
        var withVersion = new Option<bool>("--version") { Description = "Print the entry's version on a line before the value (read from the grid, never the near cache)" };
        var command = new Command("get", "Print a key's value") { key, withVersion };
        runner.Bind(command, ValueTypes.Strings, async call =>
        {
            string name = call.Value(key);
            if (call.Value(withVersion))
            {
                var versioned = await call.Cache.GetWithVersionAsync(name, call.Cancellation).ConfigureAwait(false);
                return versioned.Value is null
                    ? call.NotFound($"key {ErrorText.Quote(name)} does not exist")
                    : call.Print($"{versioned.Version}{Environment.NewLine}{CommandCall.Text(versioned.Value)}");
            }

            var value = await call.Cache.GetAsync(name, call.Cancellation).ConfigureAwait(false);
            return value is null ? call.NotFound($"key {ErrorText.Quote(name)} does not exist") : call.PrintValue(value);
        });
        return command;
    }

    private static Command Increment(CommandRunner runner, string name)
    {
        bool up = name == "incr";
        var key = Arguments.Key();
        var by = Arguments.Int64("BY", 1, up ? "The amount to add" : "The amount to subtract");
        var command = new Command(name, up ? "Add to a counter (created at 0) and print the new value" : "Subtract from a counter (created at 0) and print the new value") { key, by };
        runner.Bind(command, ValueTypes.Counters, async call =>
        {
            var cache = call.Cache;
            long result = up
                ? await cache.IncrementAsync(call.Value(key), call.Value(by), call.Cancellation).ConfigureAwait(false)
                : await cache.DecrementAsync(call.Value(key), call.Value(by), call.Cancellation).ConfigureAwait(false);
            return call.Print(result);
        });
        return command;
    }
}
