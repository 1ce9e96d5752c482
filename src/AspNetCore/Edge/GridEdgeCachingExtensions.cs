using Grid.AspNetCore;
using Grid.AspNetCore.Edge;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
        builder.Services.AddGridEdgeCaching(builder.Configuration.GetSection(GridEdgeCachingOptions.SectionName), configure);
        return builder;
    }

    /// <summary>Adds edge caching configured in code only (no configuration section); see the other overload.</summary>
    public static IServiceCollection AddGridEdgeCaching(this IServiceCollection services, Action<GridEdgeCachingOptions>? configure = null) =>
        services.AddGridEdgeCaching(section: null, configure);

    private static IServiceCollection AddGridEdgeCaching(this IServiceCollection services, IConfigurationSection? section, Action<GridEdgeCachingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GridEdgeCachingOptions>();
        if (section is not null)
        {
            options.Configure(o => BindStrictly(section, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridEdgeCachingOptions>, GridEdgeCachingOptionsValidator>();
        services.AddGridOutputCacheStore(configure: null);
        return services;
    }

    private static void BindStrictly(IConfigurationSection section, GridEdgeCachingOptions options)
    {
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // For items of a list the binder puts the detail (the setting and what is wrong) in inner exceptions.
            var messages = new List<string>();
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner.InnerException is null || !inner.Message.Contains("binding has failed", StringComparison.Ordinal))
                {
                    messages.Add(inner.Message);
                }
            }

            throw new Grid.GridConfigurationException($"Configuration section '{section.Path}' is invalid: {string.Join(" ", messages.AsEnumerable().Reverse())}", e);
        }
    }
}
