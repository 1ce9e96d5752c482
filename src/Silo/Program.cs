using Grid;
using Grid.Grains.Hosting;
using Grid.Silo;
using Grid.Silo.Admin;
using Microsoft.Extensions.Hosting;

// A Grid silo. With no configuration it is a single-silo grid on localhost clustering (gateway port 30000) with its
// admin endpoint (health checks) on port 8080; Grid:Clustering:Redis (env Grid__Clustering__Redis) joins a cluster
// whose membership lives in Redis. Ctrl+C / SIGTERM stop it gracefully: it hands its partitions off, then leaves.
// Every start-up failure it can explain is one line on stderr and an exit code of GridExitCodes (README: Exit codes).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
GridSiloOptions options;
try
{
    options = GridSiloHostingExtensions.BindOptions(builder.Configuration);
    options.Validate();
}
catch (Exception ex) when (ex is GridConfigurationException or ArgumentException)
{
    // Only the settings are read here, so an argument error is a bad setting (its message names it).
    return SiloStartup.Fail(ex);
}

if (!options.Admin.Enabled)
{
    // No admin endpoint: a plain host, so no web server listens at all.
    var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    plain.AddGridSilo();
    using var host = plain.Build();
    return await SiloStartup.RunAsync(host);
}

builder.AddGridSilo();
builder.AddGridAdmin(options.Admin);
await using var app = builder.Build();
app.MapGridAdmin();
return await SiloStartup.RunAsync(app);
