using System.CommandLine;

namespace Grid.Cli.Commands;

/// <summary><c>invalidate-tag</c>, <c>invalidate-pattern</c>: remove every entry carrying a tag, or whose key matches a pattern.</summary>
internal static class InvalidationCommands
{
    public static IEnumerable<Command> Create(CommandRunner runner) => [InvalidateTag(runner), InvalidatePattern(runner)];

    private static Command InvalidateTag(CommandRunner runner)
    {
        var tag = new Argument<string>("TAG") { Description = "The tag" };
        var command = new Command("invalidate-tag", "Remove every entry carrying a tag, on every silo, and print how many were removed") { tag };
        runner.Bind(command, ValueTypes.Any, async call =>
            call.Print(await call.Cache.InvalidateTagAsync(call.Value(tag), call.Cancellation).ConfigureAwait(false)));
        return command;
    }

    private static Command InvalidatePattern(CommandRunner runner)
    {
        var pattern = new Argument<string>("PATTERN") { Description = "A Redis glob: * any run, ? one byte, [abc], [^a], [a-z], \\x a literal x (quote it for the shell)" };
        var command = new Command("invalidate-pattern", "Remove every entry whose key matches a pattern, on every silo, and print how many were removed") { pattern };
        runner.Bind(command, ValueTypes.Any, async call =>
            call.Print(await call.Cache.InvalidatePatternAsync(call.Value(pattern), call.Cancellation).ConfigureAwait(false)));
        return command;
    }
}
