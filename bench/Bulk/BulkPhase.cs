namespace Grid.Bench.Bulk;

/// <summary>The passes of the bulk benchmark, in the order they run on each system.</summary>
internal enum BulkPhase
{
    /// <summary>Writes into an empty server: for the grid a fresh cluster, so every partition activates on the way.</summary>
    Cold,

    /// <summary>Writes the same keys again (every partition live, every key present).</summary>
    Warm,

    /// <summary>Reads every key back (MGET / GetManyAsync).</summary>
    Read,
}
