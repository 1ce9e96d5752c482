using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Grains.Metrics;

internal static class MetricsServiceCollectionExtensions
{
    /// <summary>The silo's metrics (meter <c>Grid</c>), analytics recorder and tag index size registry.</summary>
    public static IServiceCollection AddGridSiloMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<LatencyRecorder>();
        services.AddSingleton<TagIndexShardRegistry>();
        services.AddSingleton<SiloAnalytics>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SiloAnalytics>());
        services.AddSingleton<GridSiloMetrics>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<GridSiloMetrics>());
        return services;
    }
}
