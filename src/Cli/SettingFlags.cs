namespace Grid.Cli;

/// <summary>
/// Says the client library's messages in the CLI's words: the library names its settings (<c>GridClient:PartitionCount</c>),
/// the CLI's user sets flags (<c>--partitions</c>). One table, so every hint names the flag that fixes it.
/// </summary>
internal static class SettingFlags
{
    // Longest first: a setting's name may start another's.
    private static readonly (string Setting, string Flag)[] Names =
    [
        ("GridClient:Clustering:ServiceId and ClusterId", "--service-id and --cluster-id"),
        ("GridClient:Clustering:Gateways (or GridClient:Clustering:Redis)", "--gateway (or --cluster)"),
        ("GridClient:Clustering:ClusterId", "--cluster-id"),
        ("GridClient:Clustering:ServiceId", "--service-id"),
        ("GridClient:Clustering:Gateways", "--gateway"),
        ("GridClient:Clustering:Redis", "--cluster"),
        ("GridClient:PartitionCount", "--partitions"),
        ("GridClient:ConnectTimeout", "--connect-timeout"),
        ("GridClient:Tls", "--tls/--tls-ca/--tls-cert"),
    ];

    /// <summary><paramref name="message"/> with every client setting it names replaced by the CLI flag that sets it.</summary>
    public static string Translate(string message)
    {
        foreach (var (setting, flag) in Names)
        {
            message = message.Replace(setting, flag, StringComparison.Ordinal);
        }

        return message;
    }
}
