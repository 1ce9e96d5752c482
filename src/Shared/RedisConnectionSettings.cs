using System.Net;
using StackExchange.Redis;

namespace Grid.Security;

/// <summary>
/// A Redis membership store's connection settings, shared by silos and clients (this file is compiled into both): the
/// configuration string (<c>password=</c>, <c>user=</c>, <c>ssl=true</c>), a password file (a mounted secret) and a CA
/// file for Redis' TLS certificate. Errors and descriptions name the setting and the endpoints, never the password.
/// </summary>
internal static class RedisConnectionSettings
{
    /// <summary>Parses the configuration; an error names <paramref name="section"/> (<c>Grid:Clustering</c>) but never repeats the string.</summary>
    public static ConfigurationOptions Parse(string configuration, string? passwordFile, string? trustedCaPath, string section)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{section}:Redis is not a valid StackExchange.Redis configuration string: {ex.Message}", "Redis", ex);
        }

        if (passwordFile is { Length: > 0 })
        {
            if (!File.Exists(passwordFile))
            {
                throw new ArgumentException($"{section}:RedisPasswordFile: file '{passwordFile}' does not exist.", "RedisPasswordFile");
            }

            options.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        }

        if (trustedCaPath is { Length: > 0 })
        {
            if (!File.Exists(trustedCaPath))
            {
                throw new ArgumentException($"{section}:RedisTrustedCaPath: file '{trustedCaPath}' does not exist.", "RedisTrustedCaPath");
            }

            options.Ssl = true;
            options.TrustIssuer(trustedCaPath);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException($"{section}:Redis names no endpoint (expected host:port).", "Redis");
        }

        return options;
    }

    /// <summary>
    /// Why a connection to the Redis membership store failed, in words, naming the settings of <paramref name="section"/>
    /// (<c>Grid:Clustering</c>, <c>GridClient:Clustering</c>) that fix it (StackExchange.Redis messages never carry the
    /// password, but they are long and their advice is about its own API).
    /// </summary>
    public static string DescribeFailure(Exception error, string section)
    {
        string text = error.ToString();
        bool wrongPassword = text.Contains("WRONGPASS", StringComparison.Ordinal) || text.Contains("NOAUTH", StringComparison.Ordinal)
            || text.Contains("invalid password", StringComparison.OrdinalIgnoreCase) || text.Contains("invalid username-password", StringComparison.OrdinalIgnoreCase);

        // StackExchange.Redis reports a failed TLS handshake as an authentication failure too: tell the two apart by the cause.
        bool tls = text.Contains("System.Security.Authentication.AuthenticationException", StringComparison.Ordinal)
            || text.Contains("RemoteCertificate", StringComparison.Ordinal) || text.Contains("SSL", StringComparison.Ordinal);
        if (!wrongPassword && tls)
        {
            return $"the TLS handshake failed (check ssl=true in {section}:Redis and {section}:RedisTrustedCaPath)";
        }

        if (wrongPassword || error is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
        {
            return $"authentication failed (check the password and user in {section}:Redis or {section}:RedisPasswordFile)";
        }

        return error is RedisConnectionException connection
            ? $"unreachable ({connection.FailureType}; check the address in {section}:Redis and that Redis runs)"
            : $"unreachable ({error.GetType().Name}: {error.Message})";
    }

    /// <summary>The endpoints, as <c>host:port</c>, for messages.</summary>
    public static string Describe(ConfigurationOptions options) => string.Join(", ", options.EndPoints.Select(Describe));

    private static string Describe(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "?",
    };
}
