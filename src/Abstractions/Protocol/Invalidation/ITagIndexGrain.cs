namespace Grid.Protocol;

/// <summary>
/// One shard of the tag index. Its key is <c>{bucket}#{shard}</c>: the bucket is a hash of the tag (so many small tags
/// share a bounded set of grains), the shard a hash of the key (so a hot tag's keys spread over several grains). It
/// holds, for every tag of its bucket, the keys of its shard that carry the tag.
/// </summary>
[Alias("grid.ITagIndexGrain")]
public interface ITagIndexGrain : IGrainWithStringKey
{
    /// <summary>Applies index updates (additions and removals of tag/key pairs, in order), as a silo's tag pump sends them.</summary>
    /// <param name="updates">An update frame (see <c>TagUpdateFrame</c>).</param>
    [Alias("Apply")]
    Task Apply(byte[] updates);

    /// <summary>
    /// Removes from the stores every key of this shard that still carries <paramref name="tag"/> (a tag-checked remove,
    /// in bounded batches through the silos' batch entries) and forgets them; returns how many entries were removed.
    /// Keys added while it runs stay indexed.
    /// </summary>
    /// <param name="tag">The tag's UTF-8 bytes.</param>
    /// <param name="keep">UTF-8 keys to leave in place (they stay indexed), or null.</param>
    [Alias("Invalidate")]
    [ResponseTimeout("00:10:00")]
    Task<long> Invalidate(byte[] tag, byte[][]? keep);

    /// <summary>What this shard holds, for one tag (UTF-8) or for all when null.</summary>
    /// <param name="tag">A tag's UTF-8 bytes, or null.</param>
    [Alias("GetInfo")]
    Task<TagIndexInfo> GetInfo(byte[]? tag);
}
