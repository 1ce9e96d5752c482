using Grid.Silo;
using Grid.Silo.Admin;
using Microsoft.Extensions.Hosting;

// A Grid silo. With no configuration it is a single-silo grid on localhost clustering (gateway port 30000) with its
// admin endpoint (health checks) on port 8080; Grid:Clustering:Redis (env Grid__Clustering__Redis) joins a cluster
// whose membership lives in Redis. Ctrl+C / SIGTERM stop it gracefully: it hands its partitions off, then leaves.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = GridSiloHostingExtensions.BindOptions(builder.Configuration);
options.Validate();
if (!options.Admin.Enabled)
{
    // No admin endpoint: a plain host, so no web server listens at all.
    var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    plain.AddGridSilo();
    using var host = plain.Build();
    await SiloStartup.RunAsync(host);
    return;
}

builder.AddGridSilo();
builder.AddGridAdmin(options.Admin);
await using var app = builder.Build();
app.MapGridAdmin();
await SiloStartup.RunAsync(app);
