using System.ComponentModel.DataAnnotations;

namespace Grid.AspNetCore;

/// <summary>
/// Settings of <see cref="GridOutputCacheStore"/>: section <c>GridOutputCache</c>, then the delegate of
/// <c>AddGridOutputCache</c> and any <c>Configure&lt;GridOutputCacheOptions&gt;</c>; validated when the host starts.
/// </summary>
public sealed class GridOutputCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "GridOutputCache";

    /// <summary>Put before every output-cache key, so its entries live in their own part of the grid's key space. Default "oc:".</summary>
    [Required(AllowEmptyStrings = true, ErrorMessage = "GridOutputCache:KeyPrefix must not be null (use \"\" for no prefix).")]
    public string KeyPrefix { get; set; } = "oc:";

    /// <summary>Put before every output-cache tag to make the grid tag (output-cache tag <c>products</c> is grid tag <c>oc:products</c>). Default "oc:".</summary>
    [Required(AllowEmptyStrings = true, ErrorMessage = "GridOutputCache:TagPrefix must not be null (use \"\" for no prefix).")]
    public string TagPrefix { get; set; } = "oc:";
}
