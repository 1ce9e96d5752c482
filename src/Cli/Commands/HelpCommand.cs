using System.CommandLine;

namespace Grid.Cli.Commands;

/// <summary>
/// <c>grid help [COMMAND...]</c>: the help of a command (<c>grid help set</c>, <c>grid help rebalance throttle</c>), as
/// <c>--help</c> prints it; without a command, the list of commands. Git, kubectl and dotnet users type it this way.
/// </summary>
internal static class HelpCommand
{
    /// <summary>Creates the command; <paramref name="root"/> is the command line it explains (the caller adds the command to it).</summary>
    public static Command Create(Command root, TextWriter stdout, TextWriter stderr)
    {
        var words = new Argument<string[]>("COMMAND") { Description = "The command to explain, e.g. set or rebalance throttle", Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "Print the help of a command (as COMMAND --help does), or the list of commands") { words };
        help.SetAction((parse, cancellation) =>
        {
            string[] path = parse.GetValue(words) ?? [];
            Command command = root;
            for (int depth = 0; depth < path.Length; depth++)
            {
                string word = path[depth];
                Command? next = null;
                foreach (var sub in command.Subcommands)
                {
                    if (sub.Name == word || sub.Aliases.Contains(word))
                    {
                        next = sub;
                        break;
                    }
                }

                if (next is null)
                {
                    string where = depth == 0 ? "grid" : $"grid {string.Join(' ', path[..depth])}";
                    stderr.WriteLine($"error: '{word}' is not a command of '{where}' (see '{where} --help')");
                    return Task.FromResult(GridExitCodes.Error);
                }

                command = next;
            }

            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            return root.Parse([.. path, "--help"]).InvokeAsync(invocation, cancellation);
        });
        return help;
    }
}
