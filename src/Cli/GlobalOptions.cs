using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Grid.Cli.Parsing;
using Grid.Client;
using Grid.Partitioning;

namespace Grid.Cli;

/// <summary>
/// The options every command takes (how to reach the grid), and their resolution into <see cref="GridClientOptions"/>:
/// the command line first, then the <c>GRID_*</c> environment variables, then the defaults.
/// </summary>
internal sealed class GlobalOptions
{
    /// <summary>The default of <c>--connect-timeout</c>: short, as suits an interactive tool.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "StackExchange.Redis connection string of the cluster's Redis membership (env GRID_CLUSTER)",
        HelpName = "redis",
        Recursive = true,
    };

    public Option<string[]> Gateways { get; } = new("--gateway")
    {
        Description = "Gateway host:port; repeatable (env GRID_GATEWAY, comma-separated) [default: 127.0.0.1:30000]",
        HelpName = "host:port",
        Recursive = true,
    };

    public Option<string?> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Cluster id (env GRID_CLUSTER_ID) [default: grid]",
        HelpName = "id",
        Recursive = true,
    };

    public Option<string?> ServiceId { get; } = new("--service-id")
    {
        Description = "Service id (env GRID_SERVICE_ID) [default: grid]",
        HelpName = "id",
        Recursive = true,
    };

    public Option<int?> Partitions { get; } = new("--partitions")
    {
        Description = "The cluster's partition count (env GRID_PARTITIONS) [default: 1024]",
        HelpName = "count",
        Recursive = true,
        CustomParser = ValueParsers.OptionalInt32,
    };

    public Option<TimeSpan?> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "How long to try to connect (env GRID_CONNECT_TIMEOUT) [default: 5s]",
        HelpName = "duration",
        Recursive = true,
        CustomParser = ValueParsers.OptionalDuration,
    };

    public Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Connect over TLS (env GRID_TLS=true); implied by --tls-ca and --tls-cert",
        Recursive = true,
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "PEM file of the CA that signed the silos' certificates (env GRID_TLS_CA) [default: the system trust store]",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> TlsCert { get; } = new("--tls-cert")
    {
        Description = "Client certificate for mutual TLS: PFX, or PEM with --tls-key (env GRID_TLS_CERT; password in env GRID_TLS_CERT_PASSWORD)",
        HelpName = "path",
        Recursive = true,
    };

    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = "PEM private key of --tls-cert (env GRID_TLS_KEY)",
        HelpName = "path",
        Recursive = true,
    };

    /// <summary>Every global option, to add to the root command.</summary>
    public IEnumerable<Option> All => [Cluster, Gateways, ClusterId, ServiceId, Partitions, ConnectTimeout, Tls, TlsCa, TlsCert, TlsKey];

    /// <summary>Builds validated client options from the command line and the environment.</summary>
    /// <exception cref="UsageException">Conflicting options or a malformed environment variable.</exception>
    /// <exception cref="ArgumentException">A setting the client refuses (named in the message).</exception>
    /// <exception cref="GridUnavailableException">A gateway host name does not resolve.</exception>
    public GridClientOptions Resolve(ParseResult parse, Func<string, string?> environment)
    {
        // One command per process: a near cache would only add subscription round trips, and nothing blocks on grid
        // tasks, so the thread-pool starvation guard has nothing to rescue; its warning only put noise on stderr beside
        // the result when the pool was briefly busy.
        var options = new GridClientOptions
        {
            ConnectTimeout = DefaultConnectTimeout,
            NearCache = { Enabled = false },
            ThreadPoolStarvationGuard = false,
        };
        ResolveClustering(parse, environment, options.Clustering);

        if (parse.GetValue(Partitions) is int partitions)
        {
            options.PartitionCount = partitions is >= 1 and <= PartitionHasher.MaxPartitionCount
                ? partitions
                : throw new UsageException($"--partitions: must be between 1 and {PartitionHasher.MaxPartitionCount}");
        }
        else if (Env(environment, "GRID_PARTITIONS") is { } text)
        {
            options.PartitionCount = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int fromEnv)
                ? fromEnv
                : throw new UsageException($"GRID_PARTITIONS: '{text}' is not an integer");
        }

        if (parse.GetValue(ConnectTimeout) is TimeSpan timeout)
        {
            options.ConnectTimeout = timeout;
        }
        else if (Env(environment, "GRID_CONNECT_TIMEOUT") is { } text)
        {
            options.ConnectTimeout = Durations.TryParse(text, out var fromEnv, out string? error)
                ? fromEnv
                : throw new UsageException($"GRID_CONNECT_TIMEOUT: {error}");
        }

        ResolveTls(parse, environment, options.Tls);
        options.Clustering.RedisPasswordFile = Env(environment, "GRID_REDIS_PASSWORD_FILE");
        // The client's own validator (as its host's start would run it); the first failure is the one line the CLI prints.
        var result = new GridClientOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new ArgumentException(result.Failures.First());
        }

        return options;
    }

    private void ResolveClustering(ParseResult parse, Func<string, string?> environment, GridClientClusteringOptions clustering)
    {
        string? redis = parse.GetValue(Cluster);
        string[] gateways = parse.GetValue(Gateways) ?? [];
        if (redis is not null && gateways.Length > 0)
        {
            throw new UsageException("--cluster and --gateway cannot be used together");
        }

        if (redis is null && gateways.Length == 0)
        {
            // Nothing on the command line: the environment decides.
            redis = Env(environment, "GRID_CLUSTER");
            gateways = Env(environment, "GRID_GATEWAY")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            if (redis is not null && gateways.Length > 0)
            {
                throw new UsageException("GRID_CLUSTER and GRID_GATEWAY cannot both be set");
            }
        }

        if (redis is not null && string.IsNullOrWhiteSpace(redis))
        {
            throw new UsageException("--cluster: the Redis connection string must not be empty");
        }

        clustering.Redis = redis;
        clustering.Gateways = gateways.Length > 0 ? [.. gateways] : null;
        clustering.ClusterId = parse.GetValue(ClusterId) ?? Env(environment, "GRID_CLUSTER_ID") ?? clustering.ClusterId;
        clustering.ServiceId = parse.GetValue(ServiceId) ?? Env(environment, "GRID_SERVICE_ID") ?? clustering.ServiceId;
    }

    private void ResolveTls(ParseResult parse, Func<string, string?> environment, GridTlsOptions tls)
    {
        tls.TrustedCaPath = parse.GetValue(TlsCa) ?? Env(environment, "GRID_TLS_CA");
        tls.CertificatePath = parse.GetValue(TlsCert) ?? Env(environment, "GRID_TLS_CERT");
        tls.KeyPath = parse.GetValue(TlsKey) ?? Env(environment, "GRID_TLS_KEY");
        tls.CertificatePassword = Env(environment, "GRID_TLS_CERT_PASSWORD");
        bool fromEnvironment = Env(environment, "GRID_TLS") is { } text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase));
        tls.Enabled = parse.GetValue(Tls) || fromEnvironment || tls.TrustedCaPath is not null || tls.CertificatePath is not null;
        if (tls.KeyPath is not null && tls.CertificatePath is null)
        {
            throw new UsageException("--tls-key needs --tls-cert");
        }
    }

    private static string? Env(Func<string, string?> environment, string name) =>
        environment(name) is { Length: > 0 } value ? value : null;
}
