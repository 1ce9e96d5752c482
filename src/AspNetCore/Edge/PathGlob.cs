using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Grid.AspNetCore.Edge;

/// <summary>
/// A path glob of <see cref="GridEdgeRule.Paths"/>, compiled to a non-backtracking regular expression (so a request
/// path can never make matching slow).
/// </summary>
internal sealed class PathGlob
{
    private readonly Regex _regex;

    private PathGlob(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>Compiles a glob, or explains what is wrong with it.</summary>
    public static bool TryParse(string? pattern, [NotNullWhen(true)] out PathGlob? glob, [NotNullWhen(false)] out string? error)
    {
        glob = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "is empty";
            return false;
        }

        if (pattern.Any(char.IsWhiteSpace))
        {
            error = $"'{pattern}' contains white space";
            return false;
        }

        bool wholePath = pattern.Contains('/', StringComparison.Ordinal);
        if (wholePath && pattern[0] != '/')
        {
            error = $"'{pattern}' must start with '/' (a whole path) or contain no '/' (the last segment, such as *.html)";
            return false;
        }

        var regex = new StringBuilder(wholePath ? "^" : "(?:^|/)");
        bool inBraces = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    regex.Append(wholePath ? ".*" : "[^/]*");
                    i++;
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '{' when !inBraces:
                    inBraces = true;
                    regex.Append("(?:");
                    break;
                case '{':
                    error = $"'{pattern}' nests braces";
                    return false;
                case '}' when inBraces:
                    inBraces = false;
                    regex.Append(')');
                    break;
                case '}':
                    error = $"'{pattern}' closes a brace it did not open";
                    return false;
                case ',' when inBraces:
                    regex.Append('|');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (inBraces)
        {
            error = $"'{pattern}' leaves a brace open";
            return false;
        }

        regex.Append('$');
        glob = new PathGlob(pattern, new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
        error = null;
        return true;
    }
}
