namespace Grid.Bench.Cli;

/// <summary>The systems a cell can measure.</summary>
internal static class SystemNames
{
    /// <summary>StackExchange.Redis → redis-server.</summary>
    public const string Redis = "redis";

    /// <summary>Grid.Client with natural batching and the near cache off → the grid itself.</summary>
    public const string Grid = "grid";

    /// <summary>Grid.Client with <c>Batching = false</c> (and so no near cache): one partition grain call per operation.</summary>
    public const string GridUnbatched = "grid-unbatched";

    /// <summary>Grid.Client with its near cache (L1) on: reads of values it holds are answered in the client process.</summary>
    public const string GridL1 = "grid-l1";

    public static readonly IReadOnlyList<string> All = [Redis, Grid, GridUnbatched, GridL1];

    public static bool IsGrid(string system) => system != Redis;
}
