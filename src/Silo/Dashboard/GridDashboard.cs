using System.Reflection;
using System.Text.Json;
using Grid.Grains.Hosting;

namespace Grid.Silo.Dashboard;

/// <summary>
/// The read-only cluster dashboard on the admin endpoint: a static page (embedded HTML, CSS and JavaScript, no external
/// resources) that polls <c>{path}/api/cluster</c>, a JSON summary of every active silo. Every route of the dashboard
/// is mapped here, in one group, so access rules can be put on the group as a whole. Only GET routes: nothing on the
/// page changes the cluster.
/// </summary>
internal static class GridDashboard
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static IServiceCollection AddGridDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardSnapshotSource>();
        return services;
    }

    /// <summary>Maps the page, its assets and its data endpoint under <see cref="GridDashboardOptions.Path"/>.</summary>
    public static RouteGroupBuilder MapGridDashboard(this IEndpointRouteBuilder app, GridDashboardOptions options)
    {
        var group = app.MapGroup(options.Path);
        // The page's asset URLs are relative, so "/dashboard" (no slash) is redirected to "/dashboard/".
        group.MapGet("/", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? Asset(context, "index.html", options)
            : Results.Redirect(context.Request.PathBase + options.Path + "/"));
        group.MapGet("/{asset:regex(^dashboard\\.(js|css)$)}", (HttpContext context, string asset) => Asset(context, asset, options));
        group.MapGet("/api/cluster", async (DashboardSnapshotSource source, CancellationToken cancellationToken) =>
            Results.Json(await source.GetAsync(cancellationToken), Json));
        return group;
    }

    private static IResult Asset(HttpContext context, string name, GridDashboardOptions options)
    {
        if (!ContentTypes.TryGetValue(name, out var contentType))
        {
            return Results.NotFound();
        }

        string text = ReadResource(name);
        if (name == "index.html")
        {
            text = text.Replace("{{refreshMs}}", ((int)options.RefreshInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(text, contentType);
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Grid.Silo.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded in the silo.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
