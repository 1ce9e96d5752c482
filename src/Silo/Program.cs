using Grid;
using Grid.Grains.Hosting;
using Grid.Hosting;
using Grid.Silo;
using Grid.Silo.Admin;
using Grid.Silo.Tracing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A Grid silo. With no configuration it is a single-silo grid on localhost clustering (gateway port 30000) with its
// admin endpoint (health checks) on port 8080; Grid:Clustering:Redis (env Grid__Clustering__Redis) joins a cluster
// whose membership lives in Redis. Ctrl+C / SIGTERM stop it gracefully: it hands its partitions off, then leaves.
// Grid:Resp:Enabled adds a Redis protocol endpoint (its own Kestrel server, so it works with or without the admin one).
// Every start-up failure it can explain is one line on stderr and an exit code of GridExitCodes (README: Exit codes).
IHost host;
try
{
    host = Build(args);
}
catch (Exception ex) when (ex is GridConfigurationException or OptionsValidationException or ArgumentException)
{
    // Only the configuration is read and applied here (settings, Redis string, certificate files), so an argument
    // error is a bad setting; its message names it.
    return SiloStartup.Fail(ex);
}

using (host)
{
    return await SiloStartup.RunAsync(host);
}

static IHost Build(string[] args)
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    var options = GridSiloHostingExtensions.BindOptions(builder.Configuration);

    // Validated now, as the host's start would (ValidateOnStart), so a bad setting stops the silo before anything is built.
    GridOptionsRegistration.ThrowIfInvalid(new GridSiloOptionsValidator(), options);

    // Before anything opens a socket: the runtime reads the switch once, at its first socket operation.
    InlineSocketCompletions.Apply(options.InlineSocketCompletions);
    if (!options.Admin.Enabled)
    {
        // No admin endpoint: a plain host, so no web server listens at all.
        var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        plain.AddGridSilo();
        plain.AddGridResp();
        plain.AddGridOtlpTracing(options.Telemetry);
        return plain.Build();
    }

    builder.AddGridSilo();
    builder.AddGridResp();
    builder.AddGridOtlpTracing(options.Telemetry);
    builder.AddGridAdmin(options.Admin);
    var app = builder.Build();
    app.MapGridAdmin();
    return app;
}
