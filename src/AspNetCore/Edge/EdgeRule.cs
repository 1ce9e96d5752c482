using System.Globalization;

namespace Grid.AspNetCore.Edge;

/// <summary>A validated <see cref="GridEdgeRule"/>, ready for requests: its globs compiled and its headers precomputed.</summary>
internal sealed class EdgeRule
{
    public const string NoStoreCacheControl = "no-cache, no-store, must-revalidate";

    public EdgeRule(GridEdgeRule rule, PathGlob[] globs)
    {
        Name = rule.Name ?? string.Join(' ', rule.Paths);
        Globs = globs;
        Duration = rule.Duration;
        Storable = rule.Duration > TimeSpan.Zero && rule.Visibility == GridEdgeVisibility.Public;
        AllowSetCookie = rule.AllowSetCookie;
        AllowAuthorization = rule.AllowAuthorization;
        Vary = rule.Vary.Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        Tags = rule.Tags.ToArray();
        if (rule.Duration > TimeSpan.Zero)
        {
            string maxAge = $"max-age={((long)rule.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)}{(rule.Immutable ? ", immutable" : "")}";
            CacheControl = (rule.Visibility == GridEdgeVisibility.Public ? "public, " : "private, ") + maxAge;
            PrivateCacheControl = "private, " + maxAge;
        }
        else
        {
            CacheControl = PrivateCacheControl = NoStoreCacheControl;
        }
    }

    /// <summary>The rule for paths no other rule matches: nothing is cached.</summary>
    public static EdgeRule NoStore { get; } = new(new GridEdgeRule { Name = "(no rule)" }, []);

    public string Name { get; }

    public PathGlob[] Globs { get; }

    public TimeSpan Duration { get; }

    /// <summary>Responses may be stored in the grid (a positive duration and public).</summary>
    public bool Storable { get; }

    public bool AllowSetCookie { get; }

    public bool AllowAuthorization { get; }

    public string[] Vary { get; }

    public string[] Tags { get; }

    /// <summary>The rule's <c>Cache-Control</c>.</summary>
    public string CacheControl { get; }

    /// <summary>The rule's <c>Cache-Control</c> for responses a shared cache must not keep (a cookie set, an authorized request).</summary>
    public string PrivateCacheControl { get; }

    public bool IsMatch(string path)
    {
        foreach (var glob in Globs)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }
}
