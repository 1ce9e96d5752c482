using System.CommandLine;
using Grid.Cli.Parsing;

namespace Grid.Cli.Commands;

/// <summary>Factories of the arguments commands share (each command gets its own instances).</summary>
internal static class Arguments
{
    public static Argument<string> Key() => new("KEY") { Description = "The key" };

    public static Argument<string> Field() => new("FIELD") { Description = "The hash field" };

    /// <summary>
    /// <c>--if-version V</c> of a versioned write (<c>set</c>, <c>del</c>): the entry version printed by <c>get --version</c>,
    /// or 0 for "only while the key does not exist"; a negative one is a usage error.
    /// </summary>
    public static Option<long?> IfVersion(string description) =>
        // Parsed and checked in its parser (a validator reading the value threw on 'abc' and crashed the tool).
        new("--if-version") { Description = description, HelpName = "version", CustomParser = IfVersionValue };

    private static long? IfVersionValue(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (result.Tokens.Count > 1)
        {
            result.AddError("--if-version: give it once");
            return null;
        }

        long? version = ValueParsers.OptionalInt64(result);
        if (version is < 0)
        {
            result.AddError("--if-version must be 0 or a version printed by 'get --version'");
        }

        return version;
    }

    public static Argument<long> Int64(string name, long defaultValue, string description) => new(name)
    {
        Description = description,
        CustomParser = ValueParsers.Int64,
        DefaultValueFactory = _ => defaultValue,
    };
}
