namespace Grid.AspNetCore;

/// <summary>
/// Settings of the edge-caching middleware (<c>UseGridEdgeCaching</c>), bound strictly from configuration section
/// <see cref="SectionName"/> and validated at start-up with messages naming the setting.
/// </summary>
public sealed class GridEdgeCachingOptions
{
    /// <summary>The configuration section these options bind from: <c>GridEdge</c>.</summary>
    public const string SectionName = "GridEdge";

    /// <summary>Sent in <c>X-Cache-Instance</c> on every response. Default: the machine name.</summary>
    public string InstanceName { get; set; } = Environment.MachineName;

    /// <summary>Largest response body that is buffered (for its ETag) and stored; larger ones stream through uncached. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Apply <see cref="CreateDefaultRules"/> after <see cref="Rules"/>. Default true.</summary>
    public bool UseDefaultRules { get; set; } = true;

    /// <summary>Rules tried in order, before the default ones; paths no rule matches get <c>no-cache, no-store, must-revalidate</c>.</summary>
    public List<GridEdgeRule> Rules { get; set; } = [];

    /// <summary>
    /// The default rules: static assets (<c>/static/**</c>, <c>/assets/**</c>, and files such as <c>*.css</c>,
    /// <c>*.js</c>, images and fonts) a year, public, <c>immutable</c>; <c>/api/**</c> 30 seconds, public, varying by
    /// <c>Accept</c> and <c>Authorization</c>; HTML pages (<c>*.html</c>, <c>*.htm</c>) an hour, public.
    /// </summary>
    public static IReadOnlyList<GridEdgeRule> CreateDefaultRules() =>
    [
        new GridEdgeRule
        {
            Name = "static",
            Paths = ["/static/**", "/assets/**", "*.{css,js,mjs,map}", "*.{png,jpg,jpeg,gif,svg,ico,webp,avif}", "*.{woff,woff2,ttf,otf}"],
            Duration = TimeSpan.FromDays(365),
            Immutable = true,
            Tags = ["static"],
        },
        new GridEdgeRule
        {
            Name = "api",
            Paths = ["/api/**"],
            Duration = TimeSpan.FromSeconds(30),
            Vary = ["Accept", "Authorization"],
            Tags = ["api"],
        },
        new GridEdgeRule
        {
            Name = "html",
            Paths = ["*.{html,htm}"],
            Duration = TimeSpan.FromHours(1),
            Tags = ["html"],
        },
    ];
}
