using System.CommandLine;
using System.Globalization;
using Grid.Cli.Parsing;
using Grid.Client;

namespace Grid.Cli.Commands;

/// <summary><c>del</c>, <c>exists</c>, <c>ttl</c>, <c>expire</c>, <c>persist</c>, <c>type</c>: commands on keys of any type.</summary>
internal static class KeyCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) =>
        [Delete(runner), Exists(runner), TimeToLive(runner), Expire(runner), Persist(runner), Type(runner)];

    private static Command Delete(CommandRunner runner)
    {
        var key = Arguments.Key();
        var ifVersion = Arguments.IfVersion("Only delete when the entry is at this version (from 'get --version'); exit code 1 on a conflict");
        var command = new Command("del", "Delete a key of any type") { key, ifVersion };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            string name = call.Value(key);
            if (call.Value(ifVersion) is { } expected)
            {
                var outcome = await call.Cache.RemoveWithVersionAsync(name, new GridEntryOptions { IfVersion = expected }, call.Cancellation).ConfigureAwait(false);
                return outcome.Applied ? call.Print(expected == 0 ? "not present" : "deleted") : call.NotFound(StringCommands.VersionConflict(name, expected, outcome.Version));
            }

            return await call.Cache.RemoveAsync(name, call.Cancellation).ConfigureAwait(false)
                ? call.Print("deleted")
                : call.NotFound($"key {ErrorText.Quote(name)} does not exist");
        });
        return command;
    }

    private static Command Exists(CommandRunner runner)
    {
        var key = Arguments.Key();
        var command = new Command("exists", "Print whether a key exists (exit code 1 when it does not)") { key };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            bool exists = await call.Cache.ExistsAsync(call.Value(key), call.Cancellation).ConfigureAwait(false);
            call.Print(exists ? "true" : "false");
            return exists ? GridExitCodes.Ok : GridExitCodes.NotFound;
        });
        return command;
    }

    private static Command TimeToLive(CommandRunner runner)
    {
        var key = Arguments.Key();
        var command = new Command("ttl", "Print the seconds a key has left, or \"no expiry\"") { key };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            string name = call.Value(key);
            var ttl = await call.Cache.GetTimeToLiveAsync(name, call.Cancellation).ConfigureAwait(false);
            if (!ttl.Exists)
            {
                return call.NotFound($"key {ErrorText.Quote(name)} does not exist");
            }

            return call.Print(ttl.Remaining is { } remaining
                ? remaining.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)
                : "no expiry");
        });
        return command;
    }

    private static Command Expire(CommandRunner runner)
    {
        var key = Arguments.Key();
        var ttl = new Argument<TimeSpan>("TTL") { Description = "Time to live (500ms, 30s, 5m, 2h, 1d, seconds, or 00:00:30)", CustomParser = ValueParsers.Duration };
        var command = new Command("expire", "Make a key expire after a time to live") { key, ttl };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            string name = call.Value(key);
            call.CheckTimeToLive(call.Value(ttl), "TTL");
            return await call.Cache.ExpireAsync(name, call.Value(ttl), call.Cancellation).ConfigureAwait(false)
                ? call.Print("OK")
                : call.NotFound($"key {ErrorText.Quote(name)} does not exist");
        });
        return command;
    }

    private static Command Persist(CommandRunner runner)
    {
        var key = Arguments.Key();
        var command = new Command("persist", "Remove a key's expiry") { key };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            string name = call.Value(key);
            return await call.Cache.PersistAsync(name, call.Cancellation).ConfigureAwait(false)
                ? call.Print("OK")
                : call.NotFound($"key {ErrorText.Quote(name)} does not exist or has no expiry");
        });
        return command;
    }

    private static Command Type(CommandRunner runner)
    {
        var key = Arguments.Key();
        var command = new Command("type", "Print the type of a key: string, counter, hash, list, or none") { key };
        runner.Bind(command, ValueTypes.Any, async call =>
        {
            var type = await call.Cache.GetTypeAsync(call.Value(key), call.Cancellation).ConfigureAwait(false);
            call.Print(type.ToString().ToLowerInvariant());
            return type == GridValueType.None ? GridExitCodes.NotFound : GridExitCodes.Ok;
        });
        return command;
    }
}
