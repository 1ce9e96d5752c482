using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grid.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A web app on a real Kestrel bound to 127.0.0.1 on a free port, with its own grid client, and an HttpClient for it.
/// Every client sends the same Host header (as requests behind one load balancer do), so instances share cache keys.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    public const string Host = "shop.test";

    /// <summary>An empty content root: the sample's appsettings.json, copied next to the tests, must not configure these apps.</summary>
    private static readonly string EmptyContentRoot = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "empty-content-root")).FullName;

    private KestrelApp(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = NewClient();
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Builds the app (settings as configuration), lets the test add services and endpoints, and starts it.</summary>
    public static async Task<KestrelApp> StartAsync(
        GridSilosFixture grid,
        Action<WebApplicationBuilder> services,
        Action<WebApplication> pipeline,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = Build(grid, services, settings);
        pipeline(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApp(app, new Uri(address));
    }

    /// <summary>Builds without starting (for start-up failures).</summary>
    public static WebApplication Build(GridSilosFixture grid, Action<WebApplicationBuilder> services, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = EmptyContentRoot, EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddGridCache(grid.ConfigureClient);
        services(builder);
        return builder.Build();
    }

    /// <summary>A new client for this app (its own connections and default headers).</summary>
    public HttpClient NewClient()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Host = Host;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
