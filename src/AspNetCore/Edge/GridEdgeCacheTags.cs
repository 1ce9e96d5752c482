namespace Grid.AspNetCore;

/// <summary>Tags every response stored by the edge-caching middleware carries (evict them with <c>IOutputCacheStore.EvictByTagAsync</c>).</summary>
public static class GridEdgeCacheTags
{
    /// <summary>Every stored edge response.</summary>
    public const string All = "edge";

    /// <summary>Every stored response of one path (all its query strings and <c>Vary</c> variants); the path is compared case-insensitively.</summary>
    /// <param name="path">The request path, such as <c>/api/products/42</c>.</param>
    public static string ForPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return "edge:path:" + path.ToLowerInvariant();
    }
}
