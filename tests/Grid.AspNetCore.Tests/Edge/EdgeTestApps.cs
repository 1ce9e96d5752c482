using System.Collections.Concurrent;
using System.Text;
using Grid.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Edge;

/// <summary>
/// Two instances ("a" and "b") of one web app with edge caching and grid output caching, configured from settings as
/// an appsettings.json would, each on its own Kestrel and its own grid client. Every handler counts its runs per path
/// and says which instance produced the body.
/// </summary>
public sealed class EdgeTestApps : IAsyncDisposable
{
    public const int MaxBodyBytes = 16 * 1024;

    private EdgeTestApps(TestInstance a, TestInstance b)
    {
        A = a;
        B = b;
    }

    public TestInstance A { get; }

    public TestInstance B { get; }

    public static Task<EdgeTestApps> GetAsync(GridSilosFixture grid) => grid.SharedAsync(async g =>
    {
        var a = await TestInstance.StartAsync(g, "a");
        var b = await TestInstance.StartAsync(g, "b");
        return new EdgeTestApps(a, b);
    });

    /// <summary>The settings of <c>GridEdge</c>, as an appsettings.json would give them.</summary>
    public static Dictionary<string, string?> Settings(string instance) => new()
    {
        ["GridEdge:InstanceName"] = instance,
        ["GridEdge:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GridEdge:Rules:0:Name"] = "cookies allowed",
        ["GridEdge:Rules:0:Paths:0"] = "/cookie-ok/**",
        ["GridEdge:Rules:0:Duration"] = "00:01:00",
        ["GridEdge:Rules:0:AllowSetCookie"] = "true",
        ["GridEdge:Rules:1:Name"] = "per user",
        ["GridEdge:Rules:1:Paths:0"] = "/private-api/**",
        ["GridEdge:Rules:1:Duration"] = "00:01:00",
        ["GridEdge:Rules:1:Vary:0"] = "Authorization",
        ["GridEdge:Rules:1:AllowAuthorization"] = "true",
        ["GridEdge:Rules:2:Name"] = "tagged",
        ["GridEdge:Rules:2:Paths:0"] = "/tagged/**",
        ["GridEdge:Rules:2:Duration"] = "00:01:00",
        ["GridEdge:Rules:2:Tags:0"] = "tagged-rule",
    };

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    /// <summary>One instance of the app.</summary>
    public sealed class TestInstance : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, int> _runs = new();

        private TestInstance(string name) => Name = name;

        public string Name { get; }

        public KestrelApp App { get; private set; } = null!;

        public HttpClient Client => App.Client;

        /// <summary>How often the application (not the cache) answered <paramref name="path"/>.</summary>
        public int Runs(string path) => _runs.TryGetValue(path, out int runs) ? runs : 0;

        public static async Task<TestInstance> StartAsync(GridSilosFixture grid, string name)
        {
            var instance = new TestInstance(name);
            instance.App = await KestrelApp.StartAsync(
                grid,
                builder =>
                {
                    builder.AddGridEdgeCaching();
                    builder.Services.AddGridOutputCache();
                },
                app =>
                {
                    app.UseGridEdgeCaching();
                    app.UseOutputCache();
                    app.MapGet("/output/{id}", (string id, HttpContext context) => instance.Answer(context))
                        .CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(1)).SetVaryByRouteValue("id").Tag("output").AddPolicy<OutputTagFromRoute>());
                    app.MapGet("/{**path}", instance.Answer);
                    app.MapPost("/{**path}", instance.Answer);
                    app.MapPut("/{**path}", instance.Answer);
                    app.MapDelete("/{**path}", instance.Answer);
                },
                Settings(name));
            return instance;
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();

        private async Task Answer(HttpContext context)
        {
            var request = context.Request;
            var response = context.Response;
            string path = request.Path.Value!;
            int run = _runs.AddOrUpdate(path, 1, (_, n) => n + 1);
            // Bodies under /stable/ are the same at every run (and so is their ETag).
            string body = path.Contains("/stable/", StringComparison.Ordinal) ? $"{path} stable" : $"{path} from {Name} run {run}";

            if (path.StartsWith("/api/missing", StringComparison.Ordinal))
            {
                response.StatusCode = StatusCodes.Status404NotFound;
            }

            if (path.StartsWith("/api/not-modified", StringComparison.Ordinal))
            {
                response.StatusCode = StatusCodes.Status304NotModified;   // as static files answer a matching If-None-Match
                return;
            }

            if (path.StartsWith("/api/cookie", StringComparison.Ordinal) || path.StartsWith("/cookie-ok", StringComparison.Ordinal))
            {
                response.Cookies.Append("session", "s-" + run);
            }

            // Headers added when the response starts (OnStarting), as session middleware adds its cookie and no-store.
            if (path.StartsWith("/api/late-cookie", StringComparison.Ordinal))
            {
                response.OnStarting(() =>
                {
                    response.Cookies.Append("late", "s-" + run);
                    return Task.CompletedTask;
                });
            }

            if (path.StartsWith("/api/late-no-store", StringComparison.Ordinal))
            {
                response.OnStarting(() =>
                {
                    response.Headers.CacheControl = "private, no-store";
                    return Task.CompletedTask;
                });
            }

            if (path.StartsWith("/api/late-session", StringComparison.Ordinal))
            {
                response.OnStarting(() =>
                {
                    response.Headers.CacheControl = "no-cache,no-store";
                    response.Headers.Pragma = "no-cache";
                    response.Cookies.Append(".AspNetCore.Session", "s-" + run);
                    return Task.CompletedTask;
                });
            }

            if (path.StartsWith("/api/own-cache-control", StringComparison.Ordinal))
            {
                response.Headers.CacheControl = "public, max-age=5";
            }

            if (path.StartsWith("/api/big", StringComparison.Ordinal))
            {
                body += new string('x', 4 * MaxBodyBytes);
            }

            if (path.EndsWith(".css", StringComparison.Ordinal))
            {
                response.ContentType = "text/css";
            }
            else if (path.EndsWith(".html", StringComparison.Ordinal))
            {
                response.ContentType = "text/html";
            }
            else if (request.Headers.Accept.ToString().Contains("json", StringComparison.Ordinal))
            {
                response.ContentType = "application/json";
                body = System.Text.Json.JsonSerializer.Serialize(new { text = body });
            }
            else
            {
                response.ContentType = "text/plain";
            }

            // Written in pieces, as real handlers do.
            var bytes = Encoding.UTF8.GetBytes(body);
            int half = bytes.Length / 2;
            await response.Body.WriteAsync(bytes.AsMemory(0, half));
            await response.Body.FlushAsync();
            await response.Body.WriteAsync(bytes.AsMemory(half));
        }
    }
}
