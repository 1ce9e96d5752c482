using System.Net;
using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Memory;
using Grid.Grains.Metrics;
using Grid.Grains.NearCache;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

// Public entry points live in the hosting namespace, where UseOrleans lives too.
namespace Microsoft.Extensions.Hosting;

/// <summary>Entry points that turn an Orleans silo (or a whole host) into a Grid silo.</summary>
public static class GridSiloHostingExtensions
{
    /// <summary>
    /// Builds a complete Grid silo host from configuration section <c>Grid</c> (see <see cref="GridSiloOptions"/>):
    /// localhost clustering when <c>Grid:Clustering:Redis</c> is empty, Redis membership otherwise. The options are
    /// bound strictly (an unknown key fails) and validated here, so a bad setting stops start-up with a message naming it.
    /// </summary>
    public static IHostApplicationBuilder AddGridSilo(this IHostApplicationBuilder builder, Action<GridSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = BindOptions(builder.Configuration);
        configure?.Invoke(options);
        options.Validate();
        // The start-up checks run before the silo starts (their hosted service comes before UseOrleans's): a port in use,
        // a wrong Redis password or an unreachable Redis stops start-up with one line instead of Orleans' retries and traces.
        builder.Services.AddSingleton<ISiloStartupCheck>(new SiloPortCheck(options.Clustering));
        if (!string.IsNullOrWhiteSpace(options.Clustering.Redis))
        {
            var redis = Grid.Security.RedisConnectionSettings.Parse(options.Clustering.Redis, options.Clustering.RedisPasswordFile, options.Clustering.RedisTrustedCaPath, "Grid:Clustering");
            builder.Services.AddSingleton<ISiloStartupCheck>(sp => new RedisMembershipCheck(redis, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RedisMembershipCheck>>()));
        }

        builder.Services.AddHostedService<SiloStartupChecks>();
        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, options.Clustering);
            silo.AddGrid(options);
        });
        builder.Services.AddHostedService<SiloReadyLogger>();

        // Graceful stop hands partitions off within this; Kubernetes' grace period must be longer.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        return builder;
    }

    /// <summary>
    /// Reads <see cref="GridSiloOptions"/> from the <c>Grid</c> section. An unknown key (a typo) or a value that does not
    /// convert throws <see cref="Grid.GridConfigurationException"/> naming the setting, where it came from and, for a
    /// typo, the setting it most likely meant.
    /// </summary>
    public static GridSiloOptions BindOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new GridSiloOptions();
        Grid.Hosting.StrictBinding.Bind(configuration, GridSiloOptions.SectionName, options);
        return options;
    }

    /// <summary>Adds Grid's grains and silo services to an Orleans silo, with the given options (validated now).</summary>
    public static ISiloBuilder AddGrid(this ISiloBuilder silo, GridSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        silo.Services.AddSingleton<IOptions<GridSiloOptions>>(Options.Options.Create(options));
        return silo.AddGridServices(options);
    }

    /// <summary>Adds Grid's grains and silo services to an Orleans silo (the way tests host it).</summary>
    public static ISiloBuilder AddGrid(this ISiloBuilder silo, Action<GridSiloOptions>? configure = null)
    {
        var options = new GridSiloOptions();
        configure?.Invoke(options);
        return silo.AddGrid(options);
    }

    private static ISiloBuilder AddGridServices(this ISiloBuilder silo, GridSiloOptions options)
    {
        var services = silo.Services;
        services.TryAddSingleton(GridClock.System);

        // Membership's clock counts timestamps from just before the silo starts, which keeps Orleans' watchdog from
        // measuring its first component check from the machine's boot (see StartRelativeTimeProvider).
        services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, (sp, _) => new StartRelativeTimeProvider(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PartitionStoreRegistry>();
        services.AddSingleton<SiloMemoryBudget>();
        services.AddSingleton<StoreChangeListeners>();
        services.AddSingleton<InvalidationHub>();
        services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<InvalidationHub>());
        services.AddSingleton<IReadTracker>(sp => sp.GetRequiredService<InvalidationHub>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InvalidationHub>());
        services.AddHostedService<ExpirySweeper>();
        services.AddGridTags();
        services.AddGridSiloMetrics();

        // Limits against abuse: per-client concurrency at this silo, bounded pattern scans.
        services.AddSingleton(sp => new ClientRequestLimiter(options.Limits, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()));
        services.AddSingleton(sp => new ScanThrottle(options.Limits, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()));
        silo.AddIncomingGrainCallFilter<ClientRequestLimitFilter>();
        silo.AddPlacementDirector<PartitionPlacementStrategy, PartitionPlacementDirector>();
        silo.AddPlacementDirector<SiloTargetedPlacementStrategy, SiloTargetedPlacementDirector>();

        // Cluster: membership view, memory loads, the partition balancer, replication.
        services.AddSingleton<ClusterView>();
        services.AddSingleton<SiloPauseGuard>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloPauseGuard>());
        services.AddSingleton<ClusterViewWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterViewWatcher>());
        services.AddSingleton<SiloLoadTable>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloLoadTable>());
        services.AddSingleton<PartitionBalancer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PartitionBalancer>());
        services.AddSingleton<ReplicaRegistry>();
        services.AddSingleton<ReplicaRecovery>();
        services.AddSingleton<ReplicationOutbox>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ReplicationOutbox>());
        if (options.Replication.Replicas > 0)
        {
            // Stores report their changes only when someone listens: with no replicas, writes pay nothing for it.
            services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<ReplicationOutbox>());
        }

        // The memory budget decides what leaves memory, never Orleans' memory-pressure activation shedding. A
        // partition's hand-off on shutdown (migration with its entries) must fit in the deactivation timeout.
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.EnableActivationSheddingOnMemoryPressure = false;
            o.DeactivationTimeout = options.ShutdownTimeout / 2;
        });
        ConfigureFailureDetection(silo, options.Membership);
        if (options.Tls.Enabled)
        {
            SiloTls.Configure(silo, options.Tls);
        }

        if (options.Telemetry.OrleansActivityPropagation)
        {
            silo.AddActivityPropagation();
        }

        return silo;
    }

    /// <summary>Fast failure detection (see <see cref="GridMembershipOptions"/> for the values and why).</summary>
    private static void ConfigureFailureDetection(ISiloBuilder silo, GridMembershipOptions membership) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = membership.ProbeTimeout;
            o.NumMissedProbesLimit = membership.NumMissedProbesLimit;
            o.NumProbedSilos = membership.NumProbedSilos;
            o.NumVotesForDeathDeclaration = membership.NumVotesForDeathDeclaration;
            o.DeathVoteExpirationTimeout = membership.DeathVoteExpirationTimeout;
            o.TableRefreshTimeout = membership.TableRefreshTimeout;
            o.IAmAliveTablePublishTimeout = membership.IAmAliveTablePublishTimeout;
            o.EnableConnectionLivenessCheck = membership.ConnectionLivenessCheck;
        });

    private static void ConfigureClustering(ISiloBuilder silo, GridClusteringOptions clustering)
    {
        if (clustering.SiloName is { Length: > 0 } name)
        {
            silo.Configure<SiloOptions>(o => o.SiloName = name);
        }

        if (string.IsNullOrWhiteSpace(clustering.Redis))
        {
            var primary = clustering.PrimarySiloPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
            silo.UseLocalhostClustering(clustering.SiloPort, clustering.GatewayPort, primary, clustering.ServiceId, clustering.ClusterId);
            return;
        }

        var redis = Grid.Security.RedisConnectionSettings.Parse(clustering.Redis, clustering.RedisPasswordFile, clustering.RedisTrustedCaPath, "Grid:Clustering");
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clustering.ClusterId;
            o.ServiceId = clustering.ServiceId;
        });
        if (clustering.AdvertisedAddress is { Length: > 0 } address)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(address), clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: true);
        }
    }
}
