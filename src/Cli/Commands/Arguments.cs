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
    public static Option<long?> IfVersion(string description)
    {
        var option = new Option<long?>("--if-version") { Description = description, HelpName = "version" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 0)
            {
                result.AddError("--if-version must be 0 or a version printed by 'get --version'");
            }
        });
        return option;
    }

    public static Argument<long> Int64(string name, long defaultValue, string description) => new(name)
    {
        Description = description,
        CustomParser = ValueParsers.Int64,
        DefaultValueFactory = _ => defaultValue,
    };
}
