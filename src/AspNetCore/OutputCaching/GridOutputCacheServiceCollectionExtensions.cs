using Grid.AspNetCore;
using Grid.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the grid as ASP.NET Core's output-cache store.</summary>
public static class GridOutputCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds ASP.NET Core output caching (<c>AddOutputCache</c>; configure its policies there or with
    /// <c>Configure&lt;OutputCacheOptions&gt;</c>) with <see cref="GridOutputCacheStore"/> as its store, so cached
    /// responses are shared by every instance of the application and <c>EvictByTagAsync</c> works cluster-wide.
    /// Register the grid client too (<c>AddGridCache</c>) and call <c>app.UseOutputCache()</c>.
    /// </summary>
    public static IServiceCollection AddGridOutputCache(this IServiceCollection services, Action<GridOutputCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOutputCache();
        services.AddGridOutputCacheStore(configure);
        services.RemoveAll<IOutputCacheStore>();
        services.AddSingleton<IOutputCacheStore>(sp => sp.GetRequiredService<GridOutputCacheStore>());
        return services;
    }

    /// <summary>Registers <see cref="GridOutputCacheStore"/> itself (once), with options from section <c>GridOutputCache</c>, validated on start.</summary>
    internal static IServiceCollection AddGridOutputCacheStore(this IServiceCollection services, Action<GridOutputCacheOptions>? configure)
    {
        var options = services.AddGridOptions<GridOutputCacheOptions, GridOutputCacheOptionsValidator>(GridOutputCacheOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<GridOutputCacheStore>();
        return services;
    }
}
