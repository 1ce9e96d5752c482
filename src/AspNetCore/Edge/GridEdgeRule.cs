namespace Grid.AspNetCore;

/// <summary>
/// One edge-caching rule (an item of <c>GridEdge:Rules</c>): which paths it covers and how their responses are cached.
/// The first rule whose <see cref="Paths"/> match the request path applies.
/// </summary>
public sealed class GridEdgeRule
{
    /// <summary>A name for logs and diagnostics (optional).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Path globs (case-insensitive). A glob that starts with <c>/</c> matches the whole path: <c>*</c> is any run of
    /// characters within one segment, <c>**</c> any run across segments, <c>?</c> one character, <c>{a,b}</c> either
    /// (<c>/static/**</c>, <c>/api/*/summary</c>). A glob without <c>/</c> matches the last segment (<c>*.html</c>,
    /// <c>*.{css,js}</c>).
    /// </summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>How long responses are fresh (<c>max-age</c>, <c>Expires</c>, and their life in the grid). Zero: <c>no-cache, no-store, must-revalidate</c>.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary><see cref="GridEdgeVisibility.Public"/> (default): stored in the grid and by shared caches; <see cref="GridEdgeVisibility.Private"/>: the browser only.</summary>
    public GridEdgeVisibility Visibility { get; set; }

    /// <summary>Add <c>immutable</c> (the content at this URL never changes, such as fingerprinted assets); needs a <see cref="Duration"/>.</summary>
    public bool Immutable { get; set; }

    /// <summary>Request headers the response depends on: sent as <c>Vary</c>, and part of the cache key (<c>Accept</c>, <c>Authorization</c>).</summary>
    public List<string> Vary { get; set; } = [];

    /// <summary>Store responses that set cookies (the stored copy never carries the <c>Set-Cookie</c> header). Default false: such responses are sent <c>private</c> and not stored.</summary>
    public bool AllowSetCookie { get; set; }

    /// <summary>Cache responses to requests with an <c>Authorization</c> header (needs <c>Authorization</c> in <see cref="Vary"/>, so one user's response is never served to another). Default false: such requests bypass the grid and their responses are sent <c>private</c>.</summary>
    public bool AllowAuthorization { get; set; }

    /// <summary>Output-cache tags put on stored responses, for <c>IOutputCacheStore.EvictByTagAsync</c> (every stored response also carries <see cref="GridEdgeCacheTags.All"/> and <see cref="GridEdgeCacheTags.ForPath"/>).</summary>
    public List<string> Tags { get; set; } = [];
}
