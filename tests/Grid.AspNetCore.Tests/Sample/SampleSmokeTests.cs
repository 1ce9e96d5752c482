using System.Net;
using System.Net.Http.Json;
using Grid.AspNetCore.Tests.Infrastructure;
using Grid.Client;
using Grid.Samples.WebApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Sample;

/// <summary>The sample web API, built exactly as <c>dotnet run</c> builds it (its appsettings.json and wwwroot), pointed at the test grid.</summary>
[Collection(GridCollection.Name)]
public sealed class SampleSmokeTests(GridSilosFixture grid)
{
    [Fact]
    public async Task The_sample_caches_a_product_and_an_update_invalidates_it()
    {
        await using var app = SampleApp.Build([.. grid.ClientArgs, "--urls=http://127.0.0.1:0", "--GridEdge:InstanceName=sample", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            await CheckAsync(app);

            // The edge cache answered a HIT and output caching served the report twice: both levels counted, for the
            // client to report to the silos' dashboard.
            var levels = app.Services.GetRequiredService<GridLevelCounters>();
            Assert.True(levels.For("edge").Hits >= 1 && levels.For("edge").Misses >= 1, $"edge {levels.For("edge").Hits}/{levels.For("edge").Misses}");
            Assert.True(levels.For("output").Hits >= 1 && levels.For("output").Misses >= 1, $"output {levels.For("output").Hits}/{levels.For("output").Misses}");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Theory]
    [InlineData("/api/products/2", """{"name":"","price":5}""", "name", "The name must not be empty.")]
    [InlineData("/api/products/2", """{"name":"   ","price":5}""", "name", "The name must not be empty.")]
    [InlineData("/api/products/2", """{"price":5}""", "name", "The name must not be empty.")]
    [InlineData("/api/products/2", """{"name":"Mouse","price":-0.01}""", "price", "The price must not be negative.")]
    [InlineData("/api/users/2", """{"name":"Grace","email":"nowhere"}""", "email", "The email must be an address with '@'.")]
    public async Task An_invalid_update_answers_400_with_problem_details_and_changes_nothing(string path, string body, string field, string error)
    {
        await using var app = SampleApp.Build([.. grid.ClientArgs, "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var catalog = app.Services.GetRequiredService<Catalog>();
            object before = path.Contains("products", StringComparison.Ordinal) ? await catalog.LoadProductAsync(2, default) : await catalog.LoadUserAsync(2, default);

            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await client.PutAsync(path, content);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal([error], problem.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
            object after = path.Contains("products", StringComparison.Ordinal) ? await catalog.LoadProductAsync(2, default) : await catalog.LoadUserAsync(2, default);
            Assert.Equal(before, after);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task CheckAsync(WebApplication app)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var miss = await Reply.GetAsync(client, "/api/products/1");
        var hit = await Reply.GetAsync(client, "/api/products/1");
        Assert.Equal((HttpStatusCode.OK, "MISS", "sample"), (miss.Status, miss.XCache, miss["X-Cache-Instance"]));
        Assert.Contains("Keyboard", miss.Body, StringComparison.Ordinal);
        Assert.Equal(("HIT", miss.Body), (hit.XCache, hit.Body));
        Assert.Equal("public, max-age=30", hit["Cache-Control"]);

        using var update = await client.PutAsJsonAsync("/api/products/1", new { name = "Keyboard Pro", price = 59.90m });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        await Poll.UntilAsync(
            async () => (await Reply.GetAsync(client, "/api/products/1")).Body.Contains("Keyboard Pro", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the update evicted the edge-cached product");
        var css = await Reply.GetAsync(client, "/static/site.css");
        Assert.Equal("public, max-age=31536000, immutable", css["Cache-Control"]);
        var report = await Reply.GetAsync(client, "/reports/products");
        Assert.Equal(report.Body, (await Reply.GetAsync(client, "/reports/products")).Body);   // output-cached in the grid
    }
}
