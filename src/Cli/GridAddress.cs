using Grid.Client;

namespace Grid.Cli;

/// <summary>Says where the CLI looks for the grid, for error messages (never printing a Redis password).</summary>
internal static class GridAddress
{
    /// <summary>"at 127.0.0.1:30000" or "through Redis membership at redis:6379".</summary>
    public static string Describe(GridClientOptions options)
    {
        var clustering = options.Clustering;
        if (string.IsNullOrWhiteSpace(clustering.Redis))
        {
            return "at " + string.Join(", ", clustering.EffectiveGateways);
        }

        // A StackExchange.Redis configuration string is endpoints and key=value settings, comma-separated;
        // only the endpoints are shown (settings may hold a password).
        var endpoints = clustering.Redis
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => !part.Contains('=', StringComparison.Ordinal))
            .ToArray();
        return "through Redis membership at " + (endpoints.Length > 0 ? string.Join(", ", endpoints) : "(no endpoint given)");
    }
}
