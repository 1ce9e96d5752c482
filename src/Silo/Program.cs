using Microsoft.Extensions.Hosting;

// A Grid silo. With no configuration it is a single-silo grid on localhost clustering (gateway port 30000);
// Grid:Clustering:Redis (env Grid__Clustering__Redis) joins a cluster whose membership lives in Redis.
// Ctrl+C / SIGTERM stop it gracefully.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddGridSilo();
using var host = builder.Build();
await host.RunAsync();
