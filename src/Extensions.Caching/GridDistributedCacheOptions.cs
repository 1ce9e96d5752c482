using System.ComponentModel.DataAnnotations;

namespace Grid.Extensions.Caching;

/// <summary>
/// Settings of <see cref="GridDistributedCache"/>: section <c>GridDistributedCache</c>, then the delegate of
/// <c>AddGridDistributedCache</c> and any <c>Configure&lt;GridDistributedCacheOptions&gt;</c>; validated when the host starts.
/// </summary>
public sealed class GridDistributedCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "GridDistributedCache";

    /// <summary>Put before every key, so distributed-cache entries live in their own part of the key space (like RedisCacheOptions.InstanceName). Default "dc:".</summary>
    [Required(AllowEmptyStrings = true, ErrorMessage = "GridDistributedCache:KeyPrefix must not be null (use \"\" for no prefix).")]
    public string KeyPrefix { get; set; } = "dc:";

    /// <summary>
    /// Recognise HybridCache's L2 writes (on by default): an entry's HybridCache tags become grid tags (with
    /// <see cref="HybridCacheTagPrefix"/>), and HybridCache's <c>RemoveByTagAsync</c> record also invalidates that grid
    /// tag, so the entries leave the grid (and every client's near cache) at once instead of only in the HybridCache
    /// instance that removed them. Values that are not HybridCache entries are stored as they are.
    /// </summary>
    public bool HybridCacheTags { get; set; } = true;

    /// <summary>Put before HybridCache tags to make grid tags of them. Default "hc:" (HybridCache tag <c>products</c> is grid tag <c>hc:products</c>).</summary>
    [Required(AllowEmptyStrings = true, ErrorMessage = "GridDistributedCache:HybridCacheTagPrefix must not be null (use \"\" for no prefix).")]
    public string HybridCacheTagPrefix { get; set; } = "hc:";

    /// <summary>
    /// Serve reads from the client's near cache (off by default). A distributed cache is coherent across servers: after
    /// one server's acknowledged write or remove, every other server's next read sees it. The near cache is updated by
    /// pushes that arrive a few milliseconds after the write is acknowledged, so with this on a read on another server
    /// may return the old value for that long; and HybridCache, the usual user of this adapter, keeps its own local
    /// copy anyway. Turn it on only for data where that window is acceptable.
    /// </summary>
    public bool UseNearCache { get; set; }
}
