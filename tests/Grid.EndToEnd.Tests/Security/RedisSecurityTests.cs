using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>Redis membership with a password and an ACL user: a wrong password or no Redis stops the silo at start-up, clearly and without the secret.</summary>
public sealed class RedisSecurityTests
{
    private const string Password = "right-Secret-4711";
    private const string WrongPassword = "wrong-Secret-0815";

    [Fact]
    public async Task Silo_with_a_wrong_redis_password_stops_at_start_up_with_a_clear_message_and_no_secret()
    {
        await using var redis = await RedisServer.StartAsync(password: Password);
        await using var silo = await SiloProcess.StartAsync($"{redis.ConnectionString},password={WrongPassword}", waitUntilReady: false);

        int exitCode = await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        string output = silo.Process.Output;
        Assert.Equal(3, exitCode);
        Assert.Contains($"cannot connect to the Redis membership store at {redis.ConnectionString}: authentication failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_without_a_password_on_a_protected_redis_stops_at_start_up()
    {
        await using var redis = await RedisServer.StartAsync(password: Password);
        await using var silo = await SiloProcess.StartAsync(redis.ConnectionString, waitUntilReady: false);
        Assert.Equal(3, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("authentication failed", silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_with_an_unreachable_redis_stops_at_start_up_with_a_clear_message()
    {
        string nobody = $"127.0.0.1:{FreePort.Next()}";
        await using var silo = await SiloProcess.StartAsync($"{nobody},password={WrongPassword},connectTimeout=2000", waitUntilReady: false);
        Assert.Equal(3, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"cannot connect to the Redis membership store at {nobody}: unreachable", silo.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_and_client_with_an_acl_user_and_a_password_file_work_and_log_no_secret_even_at_debug_level()
    {
        await using var redis = await RedisServer.StartAsync(password: Password, aclUser: ("grid", Password + "-acl"));
        string passwordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(passwordFile, Password + "-acl\n");
        try
        {
            var debugLogs = new Dictionary<string, string>
            {
                ["Grid__Clustering__RedisPasswordFile"] = passwordFile,
                ["Logging__LogLevel__Default"] = "Debug",
                ["Logging__LogLevel__Orleans"] = "Debug",
                ["Logging__LogLevel__Microsoft"] = "Debug",
            };
            await using var silo = await SiloProcess.StartAsync($"{redis.ConnectionString},user=grid", debugLogs);
            await using var client = await ClientHost.StartAsync(o =>
            {
                o.Clustering.Redis = $"{redis.ConnectionString},user=grid";
                o.Clustering.RedisPasswordFile = passwordFile;
            });
            await client.Cache.SetStringAsync("acl:key", "ok");
            Assert.Equal("ok", await client.Cache.GetStringAsync("acl:key"));
            Assert.Contains("Redis membership store reachable at", silo.Process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, silo.Process.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [Fact]
    public async Task Silo_with_the_password_in_its_configuration_string_logs_no_secret_even_at_trace_level()
    {
        await using var redis = await RedisServer.StartAsync(password: Password);
        var traceLogs = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Orleans"] = "Trace",
            ["Logging__LogLevel__Microsoft"] = "Trace",
        };
        await using var silo = await SiloProcess.StartAsync($"{redis.ConnectionString},password={Password}", traceLogs);
        await silo.Process.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Grid silo ready", silo.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, silo.Process.Output, StringComparison.Ordinal);
    }
}
