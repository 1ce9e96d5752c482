using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grid.Samples.WebApi;

/// <summary>Builds the sample: the grid client, output caching on the grid, edge caching, and the catalog endpoints.</summary>
public static class SampleApp
{
    /// <summary>Builds the app; <paramref name="args"/> are configuration overrides (<c>--urls</c>, <c>--GridClient:Clustering:Gateways:0=...</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // A failed start is reported by Program.cs in one line; the host would also log it with its stack trace, and
        // Orleans logs a trace for each connection attempt the grid client already reports in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging.ConnectionManager", LogLevel.Error);

        builder.AddGridCache();                            // section GridClient; by default the embedded silo on 127.0.0.1:30000
        builder.Services.AddGridOutputCache();             // ASP.NET Core output caching, stored in the grid
        builder.Services.AddOutputCache(o => o.AddPolicy("reports", p => p.Expire(TimeSpan.FromMinutes(5)).Tag("products")));
        builder.AddGridEdgeCaching();                      // section GridEdge: path rules, Cache-Control, X-Cache, ETag/304
        builder.Services.AddSingleton<Catalog>();
        builder.Services.AddProblemDetails();              // errors (a malformed body, a failure) answer with problem details too

        var app = builder.Build();
        app.UseDefaultFiles();                             // "/" becomes "/index.html" before the edge rules look at it
        app.UseGridEdgeCaching();
        app.UseStaticFiles();
        app.UseOutputCache();
        app.MapCatalog();
        return app;
    }
}
