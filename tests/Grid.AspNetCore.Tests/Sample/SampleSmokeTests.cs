using System.Net;
using System.Net.Http.Json;
using Grid.AspNetCore.Tests.Infrastructure;
using Grid.Samples.WebApi;
using Microsoft.AspNetCore.Builder;

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
