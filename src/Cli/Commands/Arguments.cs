using System.CommandLine;
using Grid.Cli.Parsing;

namespace Grid.Cli.Commands;

/// <summary>Factories of the arguments commands share (each command gets its own instances).</summary>
internal static class Arguments
{
    public static Argument<string> Key() => new("KEY") { Description = "The key" };

    public static Argument<string> Field() => new("FIELD") { Description = "The hash field" };

    public static Argument<long> Int64(string name, long defaultValue, string description) => new(name)
    {
        Description = description,
        CustomParser = ValueParsers.Int64,
        DefaultValueFactory = _ => defaultValue,
    };
}
