using Grid.AspNetCore.Edge;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the edge-caching middleware to the request pipeline.</summary>
public static class GridEdgeCachingApplicationBuilderExtensions
{
    /// <summary>
    /// Adds edge caching (<c>AddGridEdgeCaching</c> registers its services). Put it early: before static files (so
    /// they get the rules' headers) and before output caching; responses it serves from the grid skip everything after
    /// it, so keep authorization of cached paths to rules that vary by <c>Authorization</c>.
    /// </summary>
    public static IApplicationBuilder UseGridEdgeCaching(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<GridEdgeCachingMiddleware>();
    }
}
