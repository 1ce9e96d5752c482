using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.FirstHour;

/// <summary>Client settings that are accepted but not what they seem say so once the client connects.</summary>
public sealed class ClientSettingsTests
{
    [Fact]
    public async Task Gateways_given_beside_redis_membership_are_named_as_unused_once_connected()
    {
        // Layered configuration (a default gateway in appsettings, Redis from the environment) is common, so this is not
        // refused; but the gateway given is not where the client goes, and its log says so.
        await using var redis = await RedisServer.StartAsync();
        await using var silo = await SiloProcess.StartAsync(redis.ConnectionString);
        string logFile = Path.GetTempFileName();
        try
        {
            await using (var client = await ClientHost.StartAsync(o =>
            {
                o.Clustering.Redis = redis.ConnectionString;
                o.Clustering.Gateways = ["127.0.0.1:1"];
            }, logFile))
            {
                await client.Cache.SetStringAsync("settings:key", "ok");
                Assert.Equal("ok", await client.Cache.GetStringAsync("settings:key"));
            }

            Assert.Contains(
                "GridClient:Clustering:Gateways (127.0.0.1:1) is not used: GridClient:Clustering:Redis is set too",
                await File.ReadAllTextAsync(logFile),
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(logFile);
        }
    }
}
