using System.Net;
using Grid.Grains.Hosting;
using Grid.Silo.Dashboard;
using Grid.Silo.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Grid.Silo.Admin;

/// <summary>
/// The silo's admin HTTP endpoint, on its own port (<see cref="GridAdminOptions"/>), apart from the Orleans silo and
/// gateway ports: <c>/health/live</c>, <c>/health/ready</c>, Prometheus <c>/metrics</c>, and the dashboard when enabled.
/// </summary>
internal static partial class GridAdmin
{
    /// <summary>Health check tag of the liveness checks.</summary>
    public const string LiveTag = "live";

    /// <summary>Health check tag of the readiness checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Paths the admin endpoint serves (the Kubernetes probes use them).</summary>
    public const string LivePath = "/health/live";

    /// <summary>Readiness path.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>Prometheus scrape path.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Listens on the admin address and port only, and registers the health checks.</summary>
    public static WebApplicationBuilder AddGridAdmin(this WebApplicationBuilder builder, GridAdminOptions options)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.Address), options.Port));

        // Checked before the silo starts: Kestrel finding its port taken would stop a silo that had already joined.
        builder.Services.AddSingleton<ISiloStartupCheck>(new AdminPortCheck(options));
        builder.Services.AddHealthChecks()
            .AddCheck<SiloLiveHealthCheck>("silo-live", tags: [LiveTag])
            .AddCheck<SiloReadyHealthCheck>("silo-ready", tags: [ReadyTag]);
        builder.Services.AddSingleton(options);
        builder.Services.AddGridAdminAuthentication(options);
        if (options.Metrics)
        {
            builder.AddGridPrometheus();
        }

        if (options.Dashboard.Enabled)
        {
            builder.Services.AddGridDashboard();
        }

        return builder;
    }

    /// <summary>Maps the admin endpoints and logs where they listen once the host has started.</summary>
    public static WebApplication MapGridAdmin(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        var options = app.Services.GetRequiredService<GridAdminOptions>();
        var paths = new List<string>();
        MapSignIn(app, options);
        var admin = app.MapGridAdminRoutes();
        MapInfo(admin);
        paths.Add(InfoPath);
        MapRebalance(admin);
        paths.Add(RebalancePath);
        if (options.Metrics)
        {
            admin.MapPrometheusScrapingEndpoint(MetricsPath);
            paths.Add(MetricsPath);
        }

        if (options.Dashboard.Enabled)
        {
            admin.MapGridDashboard(options.Dashboard);
            paths.Add(options.Dashboard.Path);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Grid.Silo.Admin");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            LogListening(logger, addresses is null ? "unknown" : string.Join(", ", addresses), string.Join(", ", paths));
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid admin endpoint listening on {Addresses} (/health/live, /health/ready unauthenticated; {Paths} with the admin token)")]
    private static partial void LogListening(ILogger logger, string addresses, string paths);
}
