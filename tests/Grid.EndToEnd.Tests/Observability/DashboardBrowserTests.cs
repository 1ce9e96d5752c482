using System.Globalization;
using Grid.Client;
using Grid.Tests.Shared.Processes;
using Microsoft.Playwright;

namespace Grid.EndToEnd.Tests.Observability;

/// <summary>
/// The dashboard in a real headless browser (the system's chromium, driven by Playwright; no browser is downloaded):
/// two silo processes under load, the page loads, shows live data and its charts fill, and a screenshot is saved.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_dashboard_shows_the_live_cluster_in_a_headless_browser()
    {
        string chromium = Browser.ChromiumPath();
        var dashboard = new Dictionary<string, string>
        {
            ["Grid__Admin__Dashboard__Enabled"] = "true",
            ["Grid__Admin__Dashboard__RefreshInterval"] = "00:00:00.5",
            ["Grid__MaxMemoryBytes"] = (64L << 20).ToString(CultureInfo.InvariantCulture),
        };
        await using var first = await SiloProcess.StartAsync(redis: null, dashboard);
        await using var second = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Clustering__PrimarySiloPort"] = first.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["Grid__MaxMemoryBytes"] = (64L << 20).ToString(CultureInfo.InvariantCulture),
        });
        await using var client = await ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [first.Gateway, second.Gateway];
            o.RoutingRefreshInterval = TimeSpan.FromSeconds(1);
        });
        await WaitForSilosAsync(client.Cache, 2);

        using var load = new CancellationTokenSource();
        var loadTask = RunLoadAsync(client.Cache, load.Token);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Browser.LaunchAsync(playwright, chromium);
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var response = await page.GotoAsync($"http://127.0.0.1:{first.AdminPort}/dashboard/");
            Assert.Equal(200, response!.Status);

            // Live data: two silos listed, charts with several points, entries counted. The picture for the docs
            // (GRID_DASHBOARD_SCREENSHOT=docs/dashboard.png) waits for a longer series.
            string? copyTo = Environment.GetEnvironmentVariable("GRID_DASHBOARD_SCREENSHOT") is { Length: > 0 } path ? path : null;
            int points = copyTo is null ? 6 : 40;
            await page.WaitForSelectorAsync("body[data-state=live]", new PageWaitForSelectorOptions { Timeout = (float)Deadline.TotalMilliseconds });
            await page.WaitForFunctionAsync(
                "n => parseInt(document.body.dataset.points || '0', 10) >= n && parseInt(document.body.dataset.hitPoints || '0', 10) >= n - 2 && document.querySelectorAll('#silo-table tbody tr').length === 2",
                points, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds, PollingInterval = 200 });

            // Hit ratio per level: the client's near cache (reported by the client every 5 s) in front of the grid.
            await page.WaitForSelectorAsync("#level-table tr[data-level=l1]", new PageWaitForSelectorOptions { Timeout = (float)Deadline.TotalMilliseconds });
            var nearCache = await page.Locator("#level-table tr[data-level=l1]").InnerTextAsync();
            var grid = await page.Locator("#level-table tr[data-level=grid]").InnerTextAsync();
            Assert.StartsWith("Near cache (in clients)", nearCache, StringComparison.Ordinal);
            Assert.Matches(@"\d+\.\d %", nearCache);
            Assert.DoesNotContain("\t0.0 %", nearCache, StringComparison.Ordinal);
            Assert.StartsWith("Grid (silos)", grid, StringComparison.Ordinal);
            Assert.Contains("client(s) reporting", await page.InnerTextAsync("#level-note"), StringComparison.Ordinal);

            Assert.Equal("2", await page.InnerTextAsync("#silos"));
            Assert.True(long.Parse((await page.InnerTextAsync("#entries")).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) > 0);
            Assert.Contains("/ 128.0 MiB", await page.InnerTextAsync("#memory"), StringComparison.Ordinal);
            Assert.EndsWith("%", await page.InnerTextAsync("#hit-ratio"), StringComparison.Ordinal);
            Assert.Contains("dashboard-tag", await page.InnerTextAsync("#tag-table"), StringComparison.Ordinal);

            // The key every round reads 32 times past the near cache leads the hot-keys panel.
            await page.WaitForFunctionAsync(
                "() => (document.querySelector('#hot-key-table tbody tr td') || {}).textContent === 'dashboard:hot'",
                null, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds, PollingInterval = 200 });
            Assert.True(await page.Locator("#hour-table tbody tr").CountAsync() >= 1);
            var siloRows = await page.Locator("#silo-table tbody tr").AllInnerTextsAsync();
            Assert.Contains(siloRows, row => row.Contains("(this silo)", StringComparison.Ordinal));
            Assert.DoesNotContain(siloRows, row => row.Contains("no answer", StringComparison.Ordinal));

            string screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            Assert.True(new FileInfo(screenshot).Length > 10_000);
            if (copyTo is not null)
            {
                File.Copy(screenshot, copyTo, overwrite: true);
            }
        }
        finally
        {
            await load.CancelAsync();
            await loadTask;
        }
    }

    private static async Task WaitForSilosAsync(IGridCache cache, int count)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while ((await cache.GetSiloStatisticsAsync()).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} silos did not join in time");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Tagged writes, then reads of which about 90 % hit, paced to roughly 10,000 operations per second (the machine is
    /// shared), reads of a few hot keys through the near cache and of one past it, in a loop until cancelled (bounded by
    /// the test's deadline).
    /// </summary>
    private static async Task RunLoadAsync(IGridCache cache, CancellationToken stop)
    {
        var value = new byte[1024];
        var until = DateTime.UtcNow + Deadline + Deadline;
        int round = 0;
        while (!stop.IsCancellationRequested && DateTime.UtcNow < until)
        {
            var writes = new List<Task>(64);
            for (int i = 0; i < 64; i++)
            {
                int key = (round * 64) + i;
                writes.Add(cache.SetAsync($"dashboard:{key % 20_000}", value, new GridEntryOptions { Tags = [$"dashboard-tag:{key % 7}"] }).AsTask());
            }

            await Task.WhenAll(writes);
            var reads = new List<Task>(128);
            for (int i = 0; i < 128; i++)
            {
                int written = Math.Min((round + 1) * 64, 20_000);
                reads.Add(cache.GetAsync($"dashboard:{Random.Shared.Next(0, written * 10 / 9)}", GridReadOptions.SkipNearCache).AsTask());
            }

            await Task.WhenAll(reads);

            // A few hot keys read through the near cache: after their first read, hits the silos never see.
            for (int i = 0; i < 32; i++)
            {
                await cache.GetAsync($"dashboard:{i % 8}");
            }

            // One key hammered past the near cache: the hottest key the silos count.
            var hot = new List<Task>(32);
            for (int i = 0; i < 32; i++)
            {
                hot.Add(cache.GetAsync("dashboard:hot", GridReadOptions.SkipNearCache).AsTask());
            }

            await Task.WhenAll(hot);

            round++;
            await Task.Delay(20, CancellationToken.None);
        }
    }
}

/// <summary>The system's chromium, launched by Playwright (which must never download a browser of its own).</summary>
internal static class Browser
{
    public static string ChromiumPath()
    {
        string path = Environment.GetEnvironmentVariable("GRID_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No chromium at {path}: the dashboard test needs a headless browser. Install it with 'apt-get install -y chromium' " +
                "(.ci/run does), or set GRID_CHROMIUM to a chromium binary.");
        }

        return path;
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            ChromiumSandbox = false,
            Timeout = 60_000,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
}
