using StackExchange.Redis;

namespace Grid.Client.Security;

/// <summary>The client's Redis membership connection: the configuration string, a password file and a CA file (never logged).</summary>
internal static class RedisClientConfiguration
{
    public static ConfigurationOptions Parse(GridClientClusteringOptions clustering)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(clustering.Redis!);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"GridClient:Clustering:Redis is not a valid StackExchange.Redis configuration string: {ex.Message}", "Redis", ex);
        }

        if (clustering.RedisPasswordFile is { Length: > 0 } passwordFile)
        {
            if (!File.Exists(passwordFile))
            {
                throw new ArgumentException($"GridClient:Clustering:RedisPasswordFile: file '{passwordFile}' does not exist.", "RedisPasswordFile");
            }

            options.Password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        }

        if (clustering.RedisTrustedCaPath is { Length: > 0 } ca)
        {
            if (!File.Exists(ca))
            {
                throw new ArgumentException($"GridClient:Clustering:RedisTrustedCaPath: file '{ca}' does not exist.", "RedisTrustedCaPath");
            }

            options.Ssl = true;
            options.TrustIssuer(ca);
        }

        return options;
    }
}
