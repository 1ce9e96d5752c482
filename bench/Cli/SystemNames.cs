namespace Grid.Bench.Cli;

/// <summary>The systems a cell can measure.</summary>
internal static class SystemNames
{
    /// <summary>StackExchange.Redis → redis-server.</summary>
    public const string Redis = "redis";

    /// <summary>StackExchange.Redis in cluster mode → a Redis Cluster of 3 masters and 3 replicas (the anchor of multi-silo cells).</summary>
    public const string RedisCluster = "redis-cluster";

    /// <summary>Grid.Client with natural batching and the near cache off → the grid itself.</summary>
    public const string Grid = "grid";

    /// <summary>Like <see cref="Grid"/>, against silos started with <c>Grid:Replication:Mode = Async</c> (writes answered before the replica has them).</summary>
    public const string GridAsync = "grid-async";

    /// <summary>Grid.Client with <c>Batching = false</c> (and so no near cache): one partition grain call per operation.</summary>
    public const string GridUnbatched = "grid-unbatched";

    /// <summary>Grid.Client with its near cache (L1) on: reads of values it holds are answered in the client process.</summary>
    public const string GridL1 = "grid-l1";

    public static readonly IReadOnlyList<string> All = [Redis, RedisCluster, Grid, GridAsync, GridUnbatched, GridL1];

    /// <summary>Redis systems are the anchors the grid rows are compared with.</summary>
    public static bool IsRedis(string system) => system is Redis or RedisCluster;

    public static bool IsGrid(string system) => !IsRedis(system);

    /// <summary>Grid systems driven against the silos started with synchronous replication (the default).</summary>
    public static bool UsesSyncSilos(string system) => IsGrid(system) && system != GridAsync;
}
