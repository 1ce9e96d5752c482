using System.Diagnostics.Metrics;
using Grid.Client;
using Grid.Client.Hosting;
using Grid.Client.Security;
using Grid.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Grid client.</summary>
public static class GridCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IGridCache"/> (and the Orleans client it runs on) configured from section <c>GridClient</c>, then
    /// <paramref name="configure"/>, then any <c>Configure&lt;GridClientOptions&gt;</c> of the application. The section
    /// is bound strictly: an unknown key (a typo) or a value that does not convert throws
    /// <see cref="Grid.GridConfigurationException"/> naming the setting, here. The settings are validated when the host
    /// starts: an invalid one stops it with an <see cref="OptionsValidationException"/> whose failures each name a
    /// setting. The client connects when the host starts, retrying with exponential backoff for
    /// <see cref="GridClientOptions.ConnectTimeout"/>; when no gateway answers by then, the host's start fails with
    /// <see cref="Grid.GridUnavailableException"/>, whose one-line message says where the client looked and what to do.
    /// <c>GridClient:Clustering</c> and <c>GridClient:Tls</c> shape the Orleans client, so they are read now (from
    /// configuration and <paramref name="configure"/>); a later <c>Configure&lt;GridClientOptions&gt;</c> that changes
    /// them fails start-up naming them.
    /// </summary>
    /// <exception cref="Grid.GridConfigurationException">A key of section <c>GridClient</c> is unknown or of the wrong form.</exception>
    public static IHostApplicationBuilder AddGridCache(this IHostApplicationBuilder builder, Action<GridClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var shape = new GridClientOptions();
        StrictBinding.Bind(builder.Configuration, GridClientOptions.SectionName, shape);
        configure?.Invoke(shape);
        builder.Services.AddGridCache(shape, configure);
        return builder;
    }

    /// <summary>
    /// Adds <see cref="IGridCache"/> configured by the container's configuration section <c>GridClient</c> (if it has
    /// one), then <paramref name="configure"/> and any <c>Configure&lt;GridClientOptions&gt;</c>; validated when the
    /// host starts. Defaults: the embedded silo on 127.0.0.1:30000.
    /// </summary>
    public static IServiceCollection AddGridCache(this IServiceCollection services, Action<GridClientOptions>? configure = null)
    {
        var shape = new GridClientOptions();
        configure?.Invoke(shape);
        return services.AddGridCache(shape, configure);
    }

    /// <summary>
    /// Adds a <see cref="WriteBehindCache{TKey,TValue}"/> over the registered <see cref="ICacheStore{TKey,TValue}"/>,
    /// flushed when the host stops (register it after <c>AddGridCache</c>).
    /// </summary>
    public static IServiceCollection AddGridWriteBehind<TKey, TValue>(this IServiceCollection services, Func<TKey, string> keyOf, Action<WriteBehindOptions>? configure = null, GridEntryOptions? entry = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keyOf);
        // Named per record type, so two write-behind caches keep their own settings, each from its own section.
        string name = WriteBehindOptions.SectionName + ":" + typeof(TValue).Name;
        services.AddGridOptions<WriteBehindOptions, WriteBehindOptionsValidator>(name, name);
        if (configure is not null)
        {
            services.Configure(name, configure);
        }

        services.AddSingleton(sp => new WriteBehindCache<TKey, TValue>(
            sp.GetRequiredService<IGridCache>(),
            sp.GetRequiredService<ICacheStore<TKey, TValue>>(),
            keyOf,
            sp.GetRequiredService<IOptionsMonitor<WriteBehindOptions>>().Get(name),
            entry,
            sp.GetRequiredService<ILogger<WriteBehindCache<TKey, TValue>>>()));
        services.AddHostedService<WriteBehindHostedService<TKey, TValue>>();
        return services;
    }

    /// <param name="services">The container.</param>
    /// <param name="shape">The settings known now (configuration and the delegate): clustering and TLS come from them.</param>
    /// <param name="configure">The application's delegate, applied after the section binds.</param>
    private static IServiceCollection AddGridCache(this IServiceCollection services, GridClientOptions shape, Action<GridClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddGridOptions<GridClientOptions, GridClientOptionsValidator>(GridClientOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(o =>
            {
                configure(o);

                // Clustering and TLS as the delegate set them when AddGridCache ran (it runs again here, and a delegate
                // that picks, say, a free port would otherwise pick another one).
                o.Clustering = shape.Clustering;
                o.Tls = shape.Tls;
            });
        }

        // Clustering and TLS decide which Orleans services exist, so they are taken from the settings known now; a
        // Configure<GridClientOptions> that changes them later would be silently ignored, so start-up refuses it.
        string clusteringNow = shape.Clustering.ToString();
        string tlsNow = shape.Tls.ToString();
        options.Validate(o => o.Clustering.ToString() == clusteringNow, $"{GridClientOptions.SectionName}:Clustering was changed after AddGridCache (by Configure<GridClientOptions>): set it in configuration or in AddGridCache's delegate.");
        options.Validate(o => o.Tls.ToString() == tlsNow, $"{GridClientOptions.SectionName}:Tls was changed after AddGridCache (by Configure<GridClientOptions>): set it in configuration or in AddGridCache's delegate.");

        // The cache's instruments (meter "Grid") come from the container's meter factory, which the host's metrics
        // pipeline (OpenTelemetry, dotnet-counters) listens to; AddMetrics only adds it when the host has not.
        services.AddMetrics();

        services.TryAddSingleton<IGridSerializer, SystemTextJsonGridSerializer>();
        services.AddOrleansClient(client =>
        {
            var clustering = shape.Clustering;
            if (string.IsNullOrWhiteSpace(clustering.Redis))
            {
                client.UseStaticClustering(o =>
                {
                    // Resolved when the client starts (a host name resolves then); validation has checked them.
                    foreach (var gateway in clustering.EffectiveGateways)
                    {
                        o.Gateways.Add(GatewayEndpoint.Parse(gateway).ToGatewayUri());
                    }
                });
            }
            else
            {
                string redisSection = GridClientOptions.SectionName + ":Clustering";
                client.UseRedisClustering(o =>
                {
                    var redis = Grid.Security.RedisConnectionSettings.Parse(clustering.Redis, clustering.RedisPasswordFile, clustering.RedisTrustedCaPath, redisSection);

                    // One attempt to reach Redis takes at most the client's connect timeout (StackExchange.Redis's own is
                    // 5 s), so an unreachable Redis is reported within GridClient:ConnectTimeout, as a gateway would be.
                    redis.ConnectTimeout = (int)Math.Clamp(shape.ConnectTimeout.TotalMilliseconds, 1, redis.ConnectTimeout);
                    o.ConfigurationOptions = redis;
                });
            }

            if (shape.Tls.Enabled)
            {
                ClientTls.Configure(client, shape.Tls);
            }

            if (shape.OrleansActivityPropagation)
            {
                client.AddActivityPropagation();
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clustering.ClusterId;
                o.ServiceId = clustering.ServiceId;
            });
            client.Services.AddOptions<ClientMessagingOptions>()
                .Configure<IOptions<GridClientOptions>>((o, grid) => o.ResponseTimeout = grid.Value.OperationTimeout);

            // A frozen silo keeps its gateway connections open, so Orleans would keep sending through it until its
            // gateway list (read from the membership table) drops it: re-read it every second, not every minute.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.Services.AddSingleton<ConnectionLossObserver>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ConnectionLossObserver>());
            client.Services.AddSingleton<IClientConnectionRetryFilter>(sp =>
                new BackoffConnectionRetryFilter(sp.GetRequiredService<IOptions<GridClientOptions>>().Value.ConnectTimeout, Target(clustering), sp.GetRequiredService<ILogger<BackoffConnectionRetryFilter>>()));
        });

        services.AddSingleton(sp =>
        {
            var cache = new GridCache(
                sp.GetRequiredService<IClusterClient>(),
                sp.GetRequiredService<IOptions<GridClientOptions>>().Value,
                sp.GetRequiredService<IGridSerializer>(),
                sp.GetRequiredService<ILogger<GridCache>>(),
                sp.GetRequiredService<IMeterFactory>());
            sp.GetRequiredService<ConnectionLossObserver>().Attach(cache);
            return cache;
        });
        services.AddSingleton<IGridCache>(sp => sp.GetRequiredService<GridCache>());
        services.AddSingleton<IGridAnalytics>(sp => sp.GetRequiredService<GridCache>());
        services.AddSingleton<IGridRebalancing>(sp => sp.GetRequiredService<GridCache>());
        services.AddHostedService<GridCacheConnector>();

        // Levels in front of the grid (near cache, edge, output cache), reported for the silos' dashboard.
        services.TryAddSingleton<GridLevelCounters>();
        services.AddHostedService<ClientLevelReporter>();
        return services;
    }

    /// <summary>Where the client looks for the grid, for the connect error ("at 127.0.0.1:30000"; never a password).</summary>
    private static string Target(GridClientClusteringOptions clustering) =>
        string.IsNullOrWhiteSpace(clustering.Redis)
            ? "at " + string.Join(", ", clustering.EffectiveGateways)
            : "through Redis membership at " + Grid.Security.RedisConnectionSettings.Describe(
                Grid.Security.RedisConnectionSettings.Parse(clustering.Redis, clustering.RedisPasswordFile, clustering.RedisTrustedCaPath, GridClientOptions.SectionName + ":Clustering"));
}
