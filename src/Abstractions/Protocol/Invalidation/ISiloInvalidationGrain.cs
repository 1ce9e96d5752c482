namespace Grid.Protocol;

/// <summary>
/// The invalidation agent of one silo (key <c>{silo address}#0</c>, placed on that silo): it drains the silo's tag
/// pump on demand and scans the silo's live partition stores for keys matching a pattern.
/// </summary>
[Alias("grid.ISiloInvalidationGrain")]
public interface ISiloInvalidationGrain : IGrainWithStringKey
{
    /// <summary>Returns once every tag-index update this silo had recorded when the call arrived has reached the index.</summary>
    [Alias("FlushTagIndex")]
    [ResponseTimeout("00:02:00")]
    Task FlushTagIndex();

    /// <summary>
    /// Removes the entries of this silo's live partitions whose key matches <paramref name="pattern"/>, a bounded number
    /// of entries per store lock hold; returns how many were removed.
    /// </summary>
    /// <param name="pattern">A Redis glob pattern.</param>
    /// <param name="partition">Only this partition (when every match must live there), or -1 for all.</param>
    [Alias("RemoveMatching")]
    [ResponseTimeout("00:10:00")]
    Task<long> RemoveMatching(string pattern, int partition);
}
