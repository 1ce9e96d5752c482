namespace Grid.Protocol;

/// <summary>
/// Entry point of invalidations (a stateless worker on every silo; clients call key 0 and reach their gateway's).
/// It runs the cluster-wide steps: the tag-index flush barrier and the fan-out to index shards, or the pattern scan of
/// every silo. Inputs are checked again here; bad ones throw <see cref="ArgumentException"/> and change nothing.
/// </summary>
[Alias("grid.IInvalidationGrain")]
public interface IInvalidationGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Removes every entry that carries <paramref name="tag"/>, across all partitions and silos, and returns how many
    /// were removed. Every entry written with the tag and acknowledged before the call began is gone when it returns;
    /// keys in <paramref name="keep"/> are left in place (a set that invalidates tags keeps the entry it just wrote).
    /// </summary>
    /// <param name="tag">The tag (non-empty, at most MaxKeyBytes in UTF-8).</param>
    /// <param name="keep">Keys to leave in place, or null.</param>
    [Alias("InvalidateTag")]
    [ResponseTimeout("00:10:00")]
    Task<long> InvalidateTag(string tag, string[]? keep);

    /// <summary>Removes every entry whose key matches a Redis glob pattern, scanning all partitions in bounded batches; returns how many were removed.</summary>
    /// <param name="pattern">The pattern (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c>, <c>\x</c>).</param>
    [Alias("InvalidatePattern")]
    [ResponseTimeout("00:10:00")]
    Task<long> InvalidatePattern(string pattern);

    /// <summary>What the tag index holds: for one tag (summed over its shards), or for the whole index when <paramref name="tag"/> is null.</summary>
    /// <param name="tag">A tag, or null for every tag.</param>
    [Alias("GetTagIndexInfo")]
    Task<TagIndexInfo> GetTagIndexInfo(string? tag);
}
