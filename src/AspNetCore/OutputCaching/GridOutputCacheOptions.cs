namespace Grid.AspNetCore;

/// <summary>Settings of <see cref="GridOutputCacheStore"/>.</summary>
public sealed class GridOutputCacheOptions
{
    /// <summary>Put before every output-cache key, so its entries live in their own part of the grid's key space. Default "oc:".</summary>
    public string KeyPrefix { get; set; } = "oc:";

    /// <summary>Put before every output-cache tag to make the grid tag (output-cache tag <c>products</c> is grid tag <c>oc:products</c>). Default "oc:".</summary>
    public string TagPrefix { get; set; } = "oc:";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (KeyPrefix is null)
        {
            throw new ArgumentNullException(nameof(KeyPrefix), "GridOutputCacheOptions.KeyPrefix must not be null (use \"\" for no prefix).");
        }

        if (TagPrefix is null)
        {
            throw new ArgumentNullException(nameof(TagPrefix), "GridOutputCacheOptions.TagPrefix must not be null (use \"\" for no prefix).");
        }
    }
}
