using Grid.Client;
using Grid.Client.Hosting;
using Grid.Client.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Grid client.</summary>
public static class GridCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IGridCache"/> (and the Orleans client it runs on) configured from section <c>GridClient</c> and
    /// then <paramref name="configure"/>. The section is bound strictly: an unknown key (a typo), a value that does not
    /// convert or an invalid setting throws <see cref="Grid.GridConfigurationException"/> naming the setting. The client
    /// connects when the host starts, retrying with exponential backoff for <see cref="GridClientOptions.ConnectTimeout"/>;
    /// when no gateway answers by then, the host's start fails with <see cref="Grid.GridUnavailableException"/>, whose
    /// one-line message says where the client looked and what to do.
    /// </summary>
    /// <exception cref="Grid.GridConfigurationException">A setting of section <c>GridClient</c> is unknown or invalid.</exception>
    public static IHostApplicationBuilder AddGridCache(this IHostApplicationBuilder builder, Action<GridClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new GridClientOptions();
        Grid.Hosting.StrictBinding.Bind(builder.Configuration, GridClientOptions.SectionName, options);
        configure?.Invoke(options);
        try
        {
            builder.Services.AddGridCache(options);
        }
        catch (ArgumentException ex)
        {
            // The settings' own validation: the message names the setting ("GridClient:MaxBatchSize must be ...").
            throw new Grid.GridConfigurationException(Grid.Hosting.StrictBinding.Describe(ex), ex);
        }

        return builder;
    }

    /// <summary>Adds <see cref="IGridCache"/> configured by <paramref name="configure"/> (defaults: the embedded silo on 127.0.0.1:30000).</summary>
    public static IServiceCollection AddGridCache(this IServiceCollection services, Action<GridClientOptions>? configure = null)
    {
        var options = new GridClientOptions();
        configure?.Invoke(options);
        return services.AddGridCache(options);
    }

    /// <summary>
    /// Adds a <see cref="WriteBehindCache{TKey,TValue}"/> over the registered <see cref="ICacheStore{TKey,TValue}"/>,
    /// flushed when the host stops (register it after <c>AddGridCache</c>).
    /// </summary>
    public static IServiceCollection AddGridWriteBehind<TKey, TValue>(this IServiceCollection services, Func<TKey, string> keyOf, Action<WriteBehindOptions>? configure = null, GridEntryOptions? entry = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keyOf);
        var options = new WriteBehindOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(sp => new WriteBehindCache<TKey, TValue>(
            sp.GetRequiredService<IGridCache>(),
            sp.GetRequiredService<ICacheStore<TKey, TValue>>(),
            keyOf,
            options,
            entry,
            sp.GetRequiredService<ILogger<WriteBehindCache<TKey, TValue>>>()));
        services.AddHostedService<WriteBehindHostedService<TKey, TValue>>();
        return services;
    }

    private static IServiceCollection AddGridCache(this IServiceCollection services, GridClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        options.Validate();
        services.AddSingleton(Options.Options.Create(options));
        services.TryAddSingleton<IGridSerializer, SystemTextJsonGridSerializer>();
        services.AddOrleansClient(client =>
        {
            var clustering = options.Clustering;
            string target;
            if (string.IsNullOrWhiteSpace(clustering.Redis))
            {
                var gateways = new List<System.Net.IPEndPoint>();
                foreach (var gateway in clustering.EffectiveGateways)
                {
                    gateways.Add(GatewayEndpoint.Parse(gateway));
                }

                client.UseStaticClustering(gateways.ToArray());
                target = "at " + string.Join(", ", clustering.EffectiveGateways);
            }
            else
            {
                var redis = Grid.Security.RedisConnectionSettings.Parse(clustering.Redis, clustering.RedisPasswordFile, clustering.RedisTrustedCaPath, "GridClient:Clustering");
                client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                target = "through Redis membership at " + Grid.Security.RedisConnectionSettings.Describe(redis);
            }

            if (options.Tls.Enabled)
            {
                ClientTls.Configure(client, options.Tls);
            }

            if (options.OrleansActivityPropagation)
            {
                client.AddActivityPropagation();
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clustering.ClusterId;
                o.ServiceId = clustering.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.OperationTimeout);

            // A frozen silo keeps its gateway connections open, so Orleans would keep sending through it until its
            // gateway list (read from the membership table) drops it: re-read it every second, not every minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.Services.AddSingleton<ConnectionLossObserver>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ConnectionLossObserver>());
            client.Services.AddSingleton<IClientConnectionRetryFilter>(sp =>
                new BackoffConnectionRetryFilter(options.ConnectTimeout, target, sp.GetRequiredService<ILogger<BackoffConnectionRetryFilter>>()));
        });

        services.AddSingleton(sp =>
        {
            var cache = new GridCache(
                sp.GetRequiredService<IClusterClient>(),
                options,
                sp.GetRequiredService<IGridSerializer>(),
                sp.GetRequiredService<ILogger<GridCache>>());
            sp.GetRequiredService<ConnectionLossObserver>().Attach(cache);
            return cache;
        });
        services.AddSingleton<IGridCache>(sp => sp.GetRequiredService<GridCache>());
        services.AddSingleton<IGridAnalytics>(sp => sp.GetRequiredService<GridCache>());
        services.AddHostedService<GridCacheConnector>();

        // Levels in front of the grid (near cache, edge, output cache), reported for the silos' dashboard.
        services.TryAddSingleton<GridLevelCounters>();
        services.AddHostedService<ClientLevelReporter>();
        return services;
    }
}
