using Grid.AspNetCore;
using Grid.AspNetCore.Edge;
using Grid.Hosting;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the edge-caching middleware's services.</summary>
public static class GridEdgeCachingServiceCollectionExtensions
{
    /// <summary>
    /// Adds edge caching configured from section <c>GridEdge</c> (bound strictly: an unknown key fails start-up, naming
    /// it) and then <paramref name="configure"/>; every setting is validated at start-up. Responses are stored through
    /// <see cref="GridOutputCacheStore"/>. Register the grid client too (<c>AddGridCache</c>) and call
    /// <c>app.UseGridEdgeCaching()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGridEdgeCaching(this IHostApplicationBuilder builder, Action<GridEdgeCachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGridEdgeCaching(GridEdgeCachingOptions.SectionName, configure);
        return builder;
    }

    /// <summary>Adds edge caching configured in code only (no configuration section); see the other overload.</summary>
    public static IServiceCollection AddGridEdgeCaching(this IServiceCollection services, Action<GridEdgeCachingOptions>? configure = null) =>
        services.AddGridEdgeCaching(section: null, configure);

    /// <param name="services">The container.</param>
    /// <param name="section">The section to bind (strictly, as every Grid section); null in code only.</param>
    /// <param name="configure">The application's delegate, applied after the section binds.</param>
    private static IServiceCollection AddGridEdgeCaching(this IServiceCollection services, string? section, Action<GridEdgeCachingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The validator compiles the rules (globs, durations, Vary), which attributes cannot express.
        var options = services.AddGridOptions<GridEdgeCachingOptions, GridEdgeCachingOptionsValidator>(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddGridOutputCacheStore(configure: null);
        return services;
    }
}
