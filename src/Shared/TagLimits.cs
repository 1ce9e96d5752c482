using System.Text;

namespace Grid.Tags;

/// <summary>
/// Whether the grid can carry an entry's tags under the cluster's limits (at most <see cref="GridLimits.MaxTagsPerEntry"/>,
/// each at most <see cref="GridLimits.MaxKeyBytes"/> UTF-8 bytes). Shared by the adapters (this file is compiled into
/// Grid.Extensions.Caching and Grid.AspNetCore), which store such an entry nowhere and log why instead of failing the
/// caller: HybridCache and output caching treat their store as best effort.
/// </summary>
internal static class TagLimits
{
    private const int MaxShownTagLength = 64;

    /// <summary>Null when the grid can carry <paramref name="tags"/>; otherwise what is wrong, in words for a log line.</summary>
    /// <param name="tags">The grid tags (prefixed); null for none.</param>
    /// <param name="limits">The cluster's limits.</param>
    /// <param name="what">How the tags are called in the message ("tags", "grid tags (HybridCache's and its wildcard)").</param>
    public static string? Problem(List<string>? tags, GridLimits limits, string what = "tags")
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > limits.MaxTagsPerEntry)
        {
            return $"{tags.Count} {what} are more than the cluster's MaxTagsPerEntry ({limits.MaxTagsPerEntry})";
        }

        foreach (var tag in tags)
        {
            if (Encoding.UTF8.GetByteCount(tag) > limits.MaxKeyBytes)
            {
                string shown = tag.Length <= MaxShownTagLength ? tag : tag[..MaxShownTagLength] + "...";
                return $"tag '{shown}' is longer than the cluster's MaxKeyBytes ({limits.MaxKeyBytes} UTF-8 bytes)";
            }
        }

        return null;
    }
}
