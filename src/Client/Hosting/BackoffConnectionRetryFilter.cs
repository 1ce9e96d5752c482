using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Grid.Client.Hosting;

/// <summary>
/// Retries the first connection to the cluster with exponential backoff (100 ms doubling to 5 s) until a deadline, then
/// gives up with a <see cref="GridUnavailableException"/> whose one-line message says where the client looked
/// (<paramref name="target"/>), what went wrong and what to do, instead of Orleans' exception and its trace. Orleans
/// rethrows what its retry filter throws, so that exception is what the host's start, and the application, see.
/// </summary>
/// <param name="timeout">How long to keep trying (<see cref="GridClientOptions.ConnectTimeout"/>).</param>
/// <param name="target">Where the client looks for the grid, e.g. "at 127.0.0.1:30000" (never a password).</param>
/// <param name="logger">Logs each failed attempt in one line.</param>
internal sealed partial class BackoffConnectionRetryFilter(TimeSpan timeout, string target, ILogger<BackoffConnectionRetryFilter> logger) : IClientConnectionRetryFilter
{
    /// <summary>What a developer without a running grid should do, as the README's quick start says.</summary>
    internal const string StartLocalSilo = "start a local silo with 'dotnet run --project src/Silo'";

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private TimeSpan _delay = TimeSpan.FromMilliseconds(100);
    private int _attempt;
    private Exception? _lastTelling;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var elapsed = TimeProvider.System.GetElapsedTime(_started);

        // After a failed attempt Orleans refuses new ones to that gateway for a moment ("will retry after 265ms"),
        // which says nothing about why: the last attempt that reached the network does, for the reason and the hint.
        var telling = exception;
        if (Reason(exception).Contains("will retry after", StringComparison.Ordinal) && _lastTelling is not null)
        {
            telling = _lastTelling;
        }

        _lastTelling = telling;
        string reason = Reason(telling);
        if (elapsed + _delay > timeout)
        {
            // Not logged: the exception is the report (the host's start fails with it, and the host logs it).
            throw new GridUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"cannot reach the grid {target}: {reason} ({++_attempt} attempts over {elapsed.TotalSeconds:0.#} s); {Hint(telling)}"), exception);
        }

        LogRetrying(logger, ++_attempt, _delay, reason);
        await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        _delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, _delay.Ticks * 2));
        return true;
    }

    /// <summary>
    /// What to check. A gateway of another cluster id says so in its handshake, or closes the connection (Orleans refuses
    /// such a client either way, depending on timing), and so does a TLS mismatch; anything else, that no silo is running there.
    /// </summary>
    internal static string Hint(Exception exception)
    {
        if (OtherClusterId(exception) is { } ids)
        {
            return $"set GridClient:Clustering:ClusterId to the silos' Grid:Clustering:ClusterId ('{ids.Theirs}')";
        }

        if (RedisFailure(exception) is not null)
        {
            // Not "is a silo running there?": the client could not read the gateway list, whatever the silos do.
            return "the client reads the silos' gateways from that Redis: start it, or point GridClient:Clustering:Redis at the one the silos use";
        }

        if (ClosedByGateway(exception))
        {
            return "check that GridClient:Clustering:ClusterId equals the silos' Grid:Clustering:ClusterId, " +
                "and that GridClient:Tls matches the silos' Grid:Tls (TLS on both sides, a CA that trusts the silos, and a client certificate when they require one)";
        }

        return $"is a silo running there? {StartLocalSilo}, or point GridClient:Clustering:Gateways (or GridClient:Clustering:Redis) at a running grid";
    }

    /// <summary>The cause in a few words: "connection refused", "the gateway closed the connection", another cluster id, or the innermost message.</summary>
    internal static string Reason(Exception exception)
    {
        if (OtherClusterId(exception) is { } ids)
        {
            return $"the gateway belongs to cluster id '{ids.Theirs}', not '{ids.Ours}'";
        }

        if (RedisFailure(exception) is { } redis)
        {
            return "the Redis membership store is " + Grid.Security.RedisConnectionSettings.DescribeFailure(redis, "GridClient:Clustering");
        }

        if (ClosedByGateway(exception))
        {
            return "the gateway closed the connection";
        }

        var innermost = exception;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // Orleans' socket errors end with "Error: ConnectionRefused" and carry no SocketException.
            if (SocketErrorOf(e) is { } code)
            {
                return Words(code);
            }

            innermost = e;
        }

        return exception.Message.Contains("Could not find any gateway", StringComparison.Ordinal)
            ? "no silo has registered a gateway in the membership store"
            : innermost.Message.ReplaceLineEndings(" ").TrimEnd('.');
    }

    /// <summary>The ids of Orleans' <c>Unexpected cluster id "grid", expected "other"</c>, when the gateway's handshake got that far.</summary>
    private static (string Theirs, string Ours)? OtherClusterId(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var match = System.Text.RegularExpressions.Regex.Match(e.Message, "Unexpected cluster id \"([^\"]*)\", expected \"([^\"]*)\"");
            if (match.Success)
            {
                return (match.Groups[1].Value, match.Groups[2].Value);
            }
        }

        return null;
    }

    /// <summary>The failure of StackExchange.Redis to reach the membership store (the gateway list is read from it), or null.</summary>
    private static StackExchange.Redis.RedisConnectionException? RedisFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StackExchange.Redis.RedisConnectionException redis)
            {
                return redis;
            }
        }

        return null;
    }

    private static bool ClosedByGateway(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.ConnectionAbortedException || e.Message.Contains("terminated prematurely", StringComparison.Ordinal))
            {
                return true;
            }

            // A gateway that refuses the client during the handshake (TLS without the certificate it requires, say) may
            // also reach it as a socket that was reset or shut down, by timing: the connection was made, then dropped.
            // Only a port where nothing listens answers "connection refused".
            if (SocketErrorOf(e) is SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The socket error <paramref name="e"/> carries, as a <see cref="SocketException"/> or as Orleans words it ("… Error: ConnectionRefused").</summary>
    private static SocketError? SocketErrorOf(Exception e)
    {
        if (e is SocketException socket)
        {
            return socket.SocketErrorCode;
        }

        int error = e.Message.LastIndexOf("Error: ", StringComparison.Ordinal);
        return error >= 0 && Enum.TryParse<SocketError>(e.Message.AsSpan(error + "Error: ".Length).TrimEnd('.'), out var code) ? code : null;
    }

    /// <summary>"ConnectionRefused" as "connection refused".</summary>
    private static string Words(SocketError code)
    {
        string name = code.ToString();
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connecting to the grid failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string reason);
}
