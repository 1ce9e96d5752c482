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

    /// <summary>What went wrong, in words (StackExchange.Redis messages never carry the password, but they are long).</summary>
    internal static string Reason(Exception error)
    {
        string text = error.ToString();
        bool wrongPassword = text.Contains("WRONGPASS", StringComparison.Ordinal) || text.Contains("NOAUTH", StringComparison.Ordinal)
            || text.Contains("invalid password", StringComparison.OrdinalIgnoreCase) || text.Contains("invalid username-password", StringComparison.OrdinalIgnoreCase);

        // StackExchange.Redis reports a failed TLS handshake as an authentication failure too: tell the two apart by the cause.
        bool tls = text.Contains("System.Security.Authentication.AuthenticationException", StringComparison.Ordinal)
            || text.Contains("RemoteCertificate", StringComparison.Ordinal) || text.Contains("SSL", StringComparison.Ordinal);
        if (!wrongPassword && tls)
        {
            return "the TLS handshake failed (check ssl=true in Grid:Clustering:Redis and Grid:Clustering:RedisTrustedCaPath)";
        }

        if (wrongPassword || error is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
        {
            return "authentication failed (check the password and user in Grid:Clustering:Redis or Grid:Clustering:RedisPasswordFile)";
        }

        return error is RedisConnectionException connection
            ? $"unreachable ({connection.FailureType}; check the address and that Redis runs)"
            : $"unreachable ({error.GetType().Name}: {error.Message})";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis membership store reachable at {Endpoints}")]
    private static partial void LogConnected(ILogger logger, string endpoints);
}
