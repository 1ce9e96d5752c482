using Grid.Client;
using Xunit.Abstractions;

namespace Grid.EndToEnd.Tests.FirstHour;

/// <summary>
/// The lone development silo (<c>dotnet run --project src/Silo</c>) as a new user meets it: it starts without
/// spurious warnings (Orleans' watchdog, ASP.NET Core Data Protection), serves, and on Ctrl+C (or SIGTERM) stops in a
/// few calm lines with exit code 0: with no other silo its partitions have nowhere to migrate, so it does not try.
/// </summary>
public sealed class DevSiloShutdownTests(ITestOutputHelper output)
{
    private const int MaxLines = 40;

    [Fact]
    public async Task The_lone_silo_starts_and_stops_quietly_after_serving_keys_tags_and_its_admin_endpoint()
    {
        // A home without Data Protection keys, as on a fresh machine or in a container: nothing may be created there.
        string home = Directory.CreateTempSubdirectory("grid-home-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["Grid__Admin__Token"] = "a-token-of-24-characters",
                ["Grid__Admin__Dashboard__Enabled"] = "true",

                // Under server GC, the documented opt-in for silos with many cores (the project's default, and other test
                // silos', is workstation GC), so both GC modes start and stop cleanly.
                ["DOTNET_gcServer"] = "1",
            };
            await using var silo = await SiloProcess.StartAsync(redis: null, settings);
            await UseAsync(silo);

            // Ctrl+C is SIGINT; a process that inherited an ignored SIGINT cannot get it, and SIGTERM takes the same path.
            string signal = silo.Process.IgnoresInterrupt() ? "TERM" : "INT";
            output.WriteLine($"stopping with SIG{signal}");
            int exitCode = await silo.Process.StopAsync(TimeSpan.FromSeconds(60), signal);

            string log = silo.Process.Output;
            output.WriteLine(log);
            string[] lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(0, exitCode);
            Assert.Contains("stopping: it is the only silo, so its entries go with it", log, StringComparison.Ordinal);
            Assert.Contains("Orleans Silo stopped", log, StringComparison.Ordinal);
            Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
            Assert.DoesNotContain("crit:", log, StringComparison.Ordinal);
            Assert.DoesNotContain("warn:", log, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
            Assert.DoesNotContain("migration destination", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Participant check thread", log, StringComparison.Ordinal);
            Assert.DoesNotContain("DataProtection", log, StringComparison.Ordinal);
            Assert.True(lines.Length <= MaxLines, $"{lines.Length} lines");
            Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "Data Protection created a key ring");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Activates partitions (keys on many of them), tag index shards and the admin sign-in, as a first session would.</summary>
    private static async Task UseAsync(SiloProcess silo)
    {
        await using (var client = await ClientHost.StartAsync(o => o.Clustering.Gateways = [silo.Gateway]))
        {
            var writes = Enumerable.Range(0, 200).Select(i =>
                client.Cache.SetAsync($"dev:{i}", "v"u8.ToArray(), new GridEntryOptions { Tags = [$"dev-tag:{i % 5}"] }).AsTask());
            await Task.WhenAll(writes);
            Assert.Equal("v"u8.ToArray(), await client.Cache.GetAsync("dev:7"));
            Assert.True((await client.Cache.GetSiloStatisticsAsync())[0].Partitions > 100);
        }

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}") };
        using var signIn = await http.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "a-token-of-24-characters", ["return"] = "/dashboard/" }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/cluster");
        dashboard.Headers.Add("Cookie", string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        using var data = await http.SendAsync(dashboard);
        Assert.Equal(System.Net.HttpStatusCode.OK, data.StatusCode);
    }
}
