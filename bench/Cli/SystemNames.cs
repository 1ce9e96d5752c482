namespace Grid.Bench.Cli;

/// <summary>The systems a cell can measure.</summary>
internal static class SystemNames
{
    /// <summary>StackExchange.Redis → redis-server.</summary>
    public const string Redis = "redis";

    /// <summary>Grid.Client with natural batching (the default client) → the grid.</summary>
    public const string Grid = "grid";

    /// <summary>Grid.Client with <c>Batching = false</c>: one partition grain call per operation.</summary>
    public const string GridUnbatched = "grid-unbatched";

    public static readonly IReadOnlyList<string> All = [Redis, Grid, GridUnbatched];

    public static bool IsGrid(string system) => system != Redis;
}
