using Grid.Client;
using Grid.Client.Invalidation;
using Grid.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers data-change-driven invalidation.</summary>
public static class GridChangeFeedServiceCollectionExtensions
{
    /// <summary>
    /// Adds the change-feed processor (a hosted service) with its rules, and the in-process feed: inject
    /// <see cref="IChangeFeed"/> to publish <see cref="DataChanged"/> events. Needs <see cref="IGridCache"/> (<c>AddGridCache</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="rules">Declares the rules.</param>
    /// <param name="configure">Queue, lanes and retry settings (after section <c>GridChangeFeed</c>; validated when the host starts).</param>
    public static IServiceCollection AddGridChangeFeed(this IServiceCollection services, Action<GridChangeRules> rules, Action<GridChangeFeedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var service in services)
        {
            if (service.ServiceType == typeof(ChangeFeedProcessor))
            {
                throw new InvalidOperationException("AddGridChangeFeed was already called; declare every rule in one call.");
            }
        }

        var options = services.AddGridOptions<GridChangeFeedOptions, GridChangeFeedOptionsValidator>(GridChangeFeedOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var built = new GridChangeRules();
        rules(built);

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GridChangeFeedOptions>>().Value);
        services.AddSingleton(built);
        services.TryAddSingleton<ChannelChangeFeed>();
        services.TryAddSingleton<IChangeFeed>(sp => sp.GetRequiredService<ChannelChangeFeed>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeFeedConsumer, ChannelChangeFeed>(sp => sp.GetRequiredService<ChannelChangeFeed>()));
        services.TryAddSingleton<ChangeFeedProcessor>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ChangeFeedProcessor>());
        return services;
    }

    /// <summary>
    /// Adds a feed adapter the processor reads beside the in-process feed: a CDC feed implementing
    /// <see cref="IChangeFeedConsumer"/> (see the README's "Tags and invalidation"). Call with <c>AddGridChangeFeed</c>.
    /// </summary>
    /// <typeparam name="TConsumer">The feed adapter, resolved from the container as a singleton.</typeparam>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddGridChangeFeedConsumer<TConsumer>(this IServiceCollection services)
        where TConsumer : class, IChangeFeedConsumer
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeFeedConsumer, TConsumer>());
        return services;
    }
}
