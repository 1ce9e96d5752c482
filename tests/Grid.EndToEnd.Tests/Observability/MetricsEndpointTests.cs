using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Observability;

public sealed partial class MetricsEndpointTests
{
    [Fact]
    public async Task A_running_silo_serves_grid_and_orleans_metrics_for_prometheus_on_its_admin_port()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null);
        await using var client = await ClientHost.StartAsync(o => o.Clustering.Gateways = [silo.Gateway]);
        for (int i = 0; i < 10; i++)
        {
            await client.Cache.SetStringAsync($"scrape:{i}", "v", new GridEntryOptions { Tags = ["scrape"] });
        }

        Assert.Equal("v", await client.Cache.GetStringAsync("scrape:1"));
        Assert.Null(await client.Cache.GetStringAsync("scrape:missing"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}") };

        var text = await http.GetStringAsync("/metrics");

        Assert.True(Value(text, "grid_silo_operations_total", "operation=\"set\"") >= 10, text);
        Assert.True(Value(text, "grid_silo_operations_total", "operation=\"get\"") >= 2, text);
        Assert.True(Value(text, "grid_silo_hits_total") >= 1, text);
        Assert.True(Value(text, "grid_silo_misses_total") >= 1, text);
        Assert.True(Value(text, "grid_silo_entries") >= 10, text);
        Assert.Equal(256L << 20, Value(text, "grid_silo_budget_bytes"));
        Assert.True(Value(text, "grid_silo_partitions") >= 1, text);
        Assert.Contains("grid_silo_batch_duration_milliseconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("grid_silo_invalidations_total{", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE grid_silo_entries gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE grid_silo_operations_total counter", text, StringComparison.Ordinal);
        Assert.Matches(OrleansMetric(), text);

        // The dashboard is off unless configured.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(0, await silo.Process.StopAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The value of a sample line <c>name{...tags...} value</c> whose tags contain <paramref name="tag"/>.</summary>
    private static double Value(string exposition, string name, string? tag = null)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                if (tag is null || line.Contains(tag, StringComparison.Ordinal))
                {
                    int end = line.IndexOf('}', StringComparison.Ordinal) is >= 0 and var brace ? brace + 1 : name.Length;
                    var sample = line[end..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return double.Parse(sample[0], CultureInfo.InvariantCulture);
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"No sample {name} {tag} in:\n{exposition}");
    }

    [GeneratedRegex(@"(?m)^orleans_[a-z_]+(\{[^}]*\})? ")]
    private static partial Regex OrleansMetric();
}
