namespace Grid.Protocol;

/// <summary>
/// Where clients report the hit and miss counts of the cache levels the silos cannot see (one grain, key 0): the
/// dashboard reads the sum. Reports are cumulative, so a lost one is made up by the next; a client that stopped
/// reporting drops out after a while.
/// </summary>
[Alias("grid.IClientStatisticsGrain")]
public interface IClientStatisticsGrain : IGrainWithIntegerKey
{
    /// <summary>Records a client's counts (replacing its previous report).</summary>
    [Alias("Report")]
    Task Report(GridClientReport report);

    /// <summary>The counts of the clients that reported recently, summed per level.</summary>
    [Alias("GetLevels")]
    Task<GridClientLevels> GetLevels();
}
