using System.CommandLine;
using System.CommandLine.Parsing;

namespace Grid.Cli.Parsing;

/// <summary>
/// Option values for a command's cross-option checks. <see cref="SymbolResult.GetValue{T}(Option{T})"/> throws when the
/// option's own tokens did not parse (<c>--file a --file b</c>, <c>--if-version abc</c>): that error is already in the
/// parse result (each option's parser or arity check puts it there) and is reported as the one-line usage error, so the
/// cross-option check sees no value instead of crashing the tool with a stack trace (exit 134).
/// </summary>
internal static class ValidatorValues
{
    /// <summary>The option's value, or default when the option is absent or its own tokens are in error.</summary>
    public static T? ValueOrDefault<T>(this CommandResult result, Option<T> option)
    {
        if (result.GetResult(option) is not { } own)
        {
            return default;
        }

        if (own.Errors.Any() || (own.Tokens.Count > 1 && option.Arity.MaximumNumberOfValues <= 1))
        {
            return default;
        }

        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            // The option's parse error, reported by the parse result itself (not lost: see the summary).
            return default;
        }
    }
}
