using System.Net;
using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.HotKeys;
using Grid.Grains.Memory;
using Grid.Grains.Metrics;
using Grid.Grains.NearCache;
using Grid.Grains.Partitions;
using Grid.Grains.Persistence;
using Grid.Grains.Replication;
using Grid.Grains.Security;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Hosting;
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
    /// Builds a complete Grid silo host from configuration section <c>Grid</c> (see <see cref="GridSiloOptions"/>), then
    /// <paramref name="configure"/>, then any <c>Configure&lt;GridSiloOptions&gt;</c> of the application: localhost
    /// clustering when <c>Grid:Clustering:Redis</c> is empty, Redis membership otherwise. The section is bound strictly
    /// (an unknown key throws <see cref="Grid.GridConfigurationException"/> naming it, here); the settings are validated
    /// when the host starts (<see cref="OptionsValidationException"/>, each failure naming a setting).
    /// <c>Grid:Clustering</c> and <c>Grid:Tls</c> shape the Orleans silo, so they are read now (from configuration and
    /// <paramref name="configure"/>); a later <c>Configure&lt;GridSiloOptions&gt;</c> that changes them fails start-up.
    /// </summary>
    public static IHostApplicationBuilder AddGridSilo(this IHostApplicationBuilder builder, Action<GridSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var shape = BindOptions(builder.Configuration);
        configure?.Invoke(shape);

        // The start-up checks run before the silo starts (their hosted service comes before UseOrleans's): a port in use,
        // a wrong Redis password or an unreachable Redis stops start-up with one line instead of Orleans' retries and traces.
        builder.Services.AddSingleton<ISiloStartupCheck>(sp => new SiloPortCheck(sp.GetRequiredService<IOptions<GridSiloOptions>>().Value.Clustering));
        if (!string.IsNullOrWhiteSpace(shape.Clustering.Redis))
        {
            builder.Services.AddSingleton<ISiloStartupCheck>(sp => new RedisMembershipCheck(Redis(shape.Clustering), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RedisMembershipCheck>>()));
        }

        if (shape.Persistence is { Enabled: true, Directory: { } snapshots } && !string.IsNullOrWhiteSpace(snapshots))
        {
            builder.Services.AddSingleton<ISiloStartupCheck>(new PersistenceDirectoryCheck(snapshots));
        }

        builder.Services.AddHostedService<SiloStartupChecks>();
        builder.UseOrleans(silo =>
        {
            ConfigureClustering(silo, shape.Clustering);
            silo.AddGrid(configure, shape);
        });
        builder.Services.AddHostedService<SiloReadyLogger>();

        // A silo process that is declared dead while it stops gracefully finishes its stop instead of exiting 134
        // (Orleans registers its own handler with TryAdd, so this one is used; test clusters keep theirs).
        builder.Services.AddSingleton<IFatalErrorHandler, StoppingAwareFatalErrorHandler>();

        // Graceful stop hands partitions off within this; Kubernetes' grace period must be longer.
        // The host reads its options while it is built, before start-up validation: invalid settings leave the default
        // here and are reported when the host starts (ValidateOnStart), not as a failure to build.
        builder.Services.AddOptions<HostOptions>().Configure<IServiceProvider>((o, provider) =>
        {
            try
            {
                o.ShutdownTimeout = provider.GetRequiredService<IOptions<GridSiloOptions>>().Value.ShutdownTimeout;
            }
            catch (OptionsValidationException)
            {
            }
        });
        return builder;
    }

    /// <summary>
    /// Reads <see cref="GridSiloOptions"/> from the <c>Grid</c> section (not validated: see <see cref="GridSiloOptionsValidator"/>).
    /// An unknown key (a typo) or a value that does not convert throws <see cref="Grid.GridConfigurationException"/> naming
    /// the setting, where it came from and, for a typo, the setting it most likely meant.
    /// </summary>
    public static GridSiloOptions BindOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new GridSiloOptions();
        StrictBinding.Bind(configuration, GridSiloOptions.SectionName, options);
        return options;
    }

    /// <summary>
    /// Adds Grid's grains and silo services to an Orleans silo (the way tests host it): options from section <c>Grid</c>
    /// of the container's configuration (if any), then <paramref name="configure"/>, then any
    /// <c>Configure&lt;GridSiloOptions&gt;</c>; validated when the host starts.
    /// </summary>
    public static ISiloBuilder AddGrid(this ISiloBuilder silo, Action<GridSiloOptions>? configure = null)
    {
        var shape = new GridSiloOptions();
        configure?.Invoke(shape);
        return silo.AddGrid(configure, shape);
    }

    /// <param name="silo">The silo.</param>
    /// <param name="configure">The application's delegate, applied after the section binds.</param>
    /// <param name="shape">The settings known now: replication on or off, and TLS, decide which services exist.</param>
    private static ISiloBuilder AddGrid(this ISiloBuilder silo, Action<GridSiloOptions>? configure, GridSiloOptions shape)
    {
        var options = silo.Services.AddGridOptions<GridSiloOptions, GridSiloOptionsValidator>(GridSiloOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        string clusteringNow = shape.Clustering.ToString();
        string tlsNow = shape.Tls.ToString();
        bool replicasNow = shape.Replication.Replicas > 0;
        options.Validate(o => o.Clustering.ToString() == clusteringNow, $"{GridSiloOptions.SectionName}:Clustering was changed after AddGridSilo (by Configure<GridSiloOptions>): set it in configuration or in AddGridSilo's delegate.");
        options.Validate(o => o.Tls.ToString() == tlsNow, $"{GridSiloOptions.SectionName}:Tls was changed after AddGridSilo (by Configure<GridSiloOptions>): set it in configuration or in AddGridSilo's delegate.");
        options.Validate(o => o.Replication.Replicas > 0 == replicasNow, $"{GridSiloOptions.SectionName}:Replication:Replicas was changed after AddGridSilo (by Configure<GridSiloOptions>): set it in configuration or in AddGridSilo's delegate.");
        return silo.AddGridServices(shape);
    }

    /// <summary>The silo services; <paramref name="shape"/> decides which exist, their settings come from <see cref="IOptions{GridSiloOptions}"/>.</summary>
    private static ISiloBuilder AddGridServices(this ISiloBuilder silo, GridSiloOptions shape)
    {
        var services = silo.Services;
        services.TryAddSingleton(GridClock.System);

        // Membership's clock counts timestamps from just before the silo starts, which keeps Orleans' watchdog from
        // measuring its first component check from the machine's boot (see StartRelativeTimeProvider).
        services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, (sp, _) => new StartRelativeTimeProvider(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PartitionStoreRegistry>();
        services.AddSingleton(sp => new Grid.Grains.Silo.LocalOpRunner(
            sp.GetRequiredService<PartitionStoreRegistry>(), sp.GetRequiredService<SiloMemoryBudget>(), sp.GetRequiredService<GridClock>(),
            sp.GetRequiredService<IOptions<GridSiloOptions>>(), sp.GetRequiredService<ReplicationOutbox>(), sp.GetRequiredService<InvalidationHub>(),
            sp.GetRequiredService<SiloPauseGuard>(), sp.GetRequiredService<Grid.Grains.Metrics.GridSiloMetrics>()));
        services.AddSingleton<HotKeyTracker>();
        services.AddSingleton<SiloMemoryBudget>();
        services.AddSingleton<StoreChangeListeners>();
        services.AddSingleton<InvalidationHub>();
        services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<InvalidationHub>());
        services.AddSingleton<IReadTracker>(sp => sp.GetRequiredService<InvalidationHub>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InvalidationHub>());
        // Every change under subscribed key prefixes, for the RESP endpoint's CLIENT TRACKING BCAST (idle without subscribers).
        services.AddSingleton<Grid.Grains.Broadcast.KeyBroadcastHub>();
        services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<Grid.Grains.Broadcast.KeyBroadcastHub>());
        services.AddHostedService<ExpirySweeper>();

        // Warm restart (off unless Grid:Persistence:Enabled): partitions written to disk, loaded when they start with nothing.
        services.AddSingleton<PartitionSnapshots>();
        services.AddSingleton<SnapshotRecovery>();
        services.AddHostedService<SnapshotScheduler>();
        services.AddGridTags();
        services.AddGridSiloMetrics();

        // Limits against abuse: per-client concurrency at this silo, bounded pattern scans.
        services.AddSingleton(sp => new ClientRequestLimiter(sp.GetRequiredService<IOptions<GridSiloOptions>>().Value.Limits, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()));
        services.AddSingleton(sp => new ScanThrottle(sp.GetRequiredService<IOptions<GridSiloOptions>>().Value.Limits, sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()));
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
        services.AddSingleton<RebalanceSteering>();
        services.AddSingleton<RebalanceProgress>();
        services.AddSingleton<MoveGate>();
        services.AddSingleton<RebalanceControl>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RebalanceControl>());
        services.AddSingleton<PartitionBalancer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PartitionBalancer>());
        services.AddSingleton<ReplicaRegistry>();
        services.AddSingleton<ReplicaRecovery>();
        // Tried: fault-injection tests put their own in front of it.
        services.TryAddSingleton<IReplicaRecovery>(sp => sp.GetRequiredService<ReplicaRecovery>());
        services.AddSingleton<ReplicaVersionAsks>();
        services.AddSingleton<HandOffCopies>();
        services.AddSingleton<ReplicationOutbox>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ReplicationOutbox>());
        if (shape.Replication.Replicas > 0)
        {
            // Stores report their changes only when someone listens: with no replicas, writes pay nothing for it.
            services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<ReplicationOutbox>());
        }

        // The memory budget decides what leaves memory, never Orleans' memory-pressure activation shedding. A
        // partition's hand-off on shutdown (migration with its entries) must fit in the deactivation timeout.
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<GridSiloOptions>>((o, grid) =>
        {
            o.EnableActivationSheddingOnMemoryPressure = false;
            o.DeactivationTimeout = grid.Value.ShutdownTimeout / 2;
        });
        ConfigureFailureDetection(services);
        if (shape.Tls.Enabled)
        {
            SiloTls.Configure(silo, shape.Tls);
        }

        if (shape.Telemetry.OrleansActivityPropagation)
        {
            silo.AddActivityPropagation();
        }

        return silo;
    }

    /// <summary>Fast failure detection (see <see cref="GridMembershipOptions"/> for the values and why).</summary>
    private static void ConfigureFailureDetection(IServiceCollection services) =>
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<GridSiloOptions>>((o, grid) =>
        {
            var membership = grid.Value.Membership;
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

        // Parsed when the silo starts, after validation has named any bad setting.
        silo.UseRedisClustering(o => o.ConfigurationOptions = Redis(clustering));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clustering.ClusterId;
            o.ServiceId = clustering.ServiceId;
        });
        // A bad address is left to validation, which names it when the host starts.
        if (clustering.AdvertisedAddress is { Length: > 0 } address && IPAddress.TryParse(address, out var advertised))
        {
            silo.ConfigureEndpoints(advertised, clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: true);
        }
    }

    private static StackExchange.Redis.ConfigurationOptions Redis(GridClusteringOptions clustering) =>
        Grid.Security.RedisConnectionSettings.Parse(clustering.Redis!, clustering.RedisPasswordFile, clustering.RedisTrustedCaPath, GridSiloOptions.SectionName + ":Clustering");
}
