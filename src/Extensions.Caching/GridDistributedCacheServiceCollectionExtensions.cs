using Grid.Extensions.Caching;
using Grid.Hosting;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the grid as the application's distributed cache.</summary>
public static class GridDistributedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GridDistributedCache"/> as <see cref="IDistributedCache"/> and
    /// <see cref="IBufferDistributedCache"/> (which HybridCache picks up as its L2). Register the grid client too
    /// (<c>AddGridCache</c>). Settings: section <c>GridDistributedCache</c>, then <paramref name="configure"/>; validated when the host starts.
    /// </summary>
    public static IServiceCollection AddGridDistributedCache(this IServiceCollection services, Action<GridDistributedCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddGridOptions<GridDistributedCacheOptions, GridDistributedCacheOptionsValidator>(GridDistributedCacheOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<GridDistributedCache>();
        services.Replace(ServiceDescriptor.Singleton<IDistributedCache>(sp => sp.GetRequiredService<GridDistributedCache>()));
        services.Replace(ServiceDescriptor.Singleton<IBufferDistributedCache>(sp => sp.GetRequiredService<GridDistributedCache>()));
        return services;
    }
}
