using System.Text.RegularExpressions;

namespace Grid.Security;

/// <summary>A StackExchange.Redis configuration string with its password replaced by <c>***</c>, for logs and messages.</summary>
internal static partial class RedactedRedis
{
    public static string Of(string? configuration) =>
        configuration is null ? "" : PasswordPattern().Replace(configuration, "$1***");

    [GeneratedRegex(@"((?:^|,)\s*password\s*=)[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}
