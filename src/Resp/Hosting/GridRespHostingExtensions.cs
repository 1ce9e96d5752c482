using Grid.Grains.Hosting;
using Grid.Resp.Connections;
using Grid.Resp.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Public entry points live in the hosting namespace, where AddGridSilo lives too.
namespace Microsoft.Extensions.Hosting;

/// <summary>Adds the Redis protocol (RESP) endpoint to a Grid silo host (README: Redis protocol).</summary>
public static class GridRespHostingExtensions
{
    /// <summary>
    /// Serves RESP2/RESP3 on <c>Grid:Resp:Address</c>:<c>Grid:Resp:Port</c> when <c>Grid:Resp:Enabled</c> is true (the
    /// settings are part of <see cref="GridSiloOptions"/>, bound and validated with them). Call after <c>AddGridSilo</c>:
    /// the endpoint starts once the silo runs, and runs every command through the silo's own client.
    /// </summary>
    public static IHostApplicationBuilder AddGridResp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(sp => new RespGrid(
            sp.GetRequiredService<IClusterClient>(),
            sp.GetRequiredService<IOptions<GridSiloOptions>>().Value,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
            TimeProvider.System,
            sp.GetService<Grid.Grains.Silo.LocalOpRunner>()));
        services.TryAddSingleton<RespConnectionHandler>();
        services.AddSingleton<ISiloStartupCheck, RespPortCheck>();
        services.AddHostedService<RespServer>();
        return builder;
    }
}
