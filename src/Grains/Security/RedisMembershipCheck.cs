using Grid.Grains.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Grid.Grains.Security;

/// <summary>
/// Connects to the Redis membership store before the silo starts, so a wrong password, an unknown ACL user, a TLS
/// mismatch or an unreachable server stops start-up with one clear line (endpoints and reason, never the password)
/// instead of Orleans' retries. A start-up check (<see cref="ISiloStartupCheck"/>), so it runs before Orleans starts.
/// </summary>
internal sealed partial class RedisMembershipCheck(ConfigurationOptions configuration, ILogger<RedisMembershipCheck> logger) : ISiloStartupCheck
{
    private bool _passed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_passed)
        {
            return;
        }

        var options = configuration.Clone();
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        string endpoints = Grid.Security.RedisConnectionSettings.Describe(options);
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
            await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
        {
            // Not logged here: the exception is the report (the silo process prints its message as its one line).
            throw new SiloStartupException($"cannot connect to the Redis membership store at {endpoints}: {Reason(ex)}", ex);
        }

        LogConnected(logger, endpoints);
        _passed = true;
    }

    /// <summary>What went wrong, in words, naming the silo's settings.</summary>
    internal static string Reason(Exception error) => Grid.Security.RedisConnectionSettings.DescribeFailure(error, "Grid:Clustering");

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis membership store reachable at {Endpoints}")]
    private static partial void LogConnected(ILogger logger, string endpoints);
}
