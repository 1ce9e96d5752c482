using Grid.Client;
using Grid.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;

namespace Grid.Extensions.Caching;

/// <summary>HybridCache as a client of the adapter: its tags become grid tags, its tag removals grid invalidations.</summary>
public sealed partial class GridDistributedCache
{
    /// <summary>
    /// Stores a value, recognising HybridCache's two kinds of L2 write:
    /// <list type="bullet">
    /// <item>A <c>RemoveByTagAsync(tag)</c> record (<c>__MSFT_HCT__tag</c>, 8 bytes): stored as it is (so HybridCache
    /// instances that have not seen the tag yet read its time), and in the same call the grid tag is invalidated, which
    /// removes every L2 entry carrying it on every silo and drops their copies from every client's near cache. The
    /// wildcard tag <c>*</c> invalidates every HybridCache entry (each carries the grid tag prefix + <c>*</c>).</item>
    /// <item>An entry: its HybridCache tags (and the wildcard) are attached as grid tags. If the grid cannot carry them
    /// (too many, or too long for the cluster's limits) the entry is not stored and any older value is removed: an L2
    /// entry that a tag removal could not reach would outlive it.</item>
    /// </list>
    /// Anything else is stored without tags.
    /// </summary>
    private async Task SetRecognisingHybridCacheAsync(string key, byte[] value, GridEntryOptions entry, CancellationToken token)
    {
        if (HybridCachePayloadReader.TryReadTagInvalidation(key, value, out string removedTag))
        {
            await _cache.SetAsync(_prefix + key, value, entry with { InvalidateTags = [_tagPrefix + removedTag] }, token).ConfigureAwait(false);
            LogTagInvalidated(_logger, removedTag, _tagPrefix + removedTag);
            return;
        }

        if (!HybridCachePayloadReader.TryReadTags(key, value, out string[] tags))
        {
            await _cache.SetAsync(_prefix + key, value, entry, token).ConfigureAwait(false);
            return;
        }

        var gridTags = new List<string>(tags.Length + 1) { _tagPrefix + HybridCachePayloadReader.WildcardTag };
        foreach (var tag in tags)
        {
            if (!gridTags.Contains(_tagPrefix + tag))
            {
                gridTags.Add(_tagPrefix + tag);
            }
        }

        if (Grid.Tags.TagLimits.Problem(gridTags, _cache.Limits, "grid tags (the entry's HybridCache tags and the wildcard)") is { } problem)
        {
            LogEntryNotStored(_logger, key, problem);
            await _cache.RemoveAsync(_prefix + key, token).ConfigureAwait(false);
            return;
        }

        await _cache.SetAsync(_prefix + key, value, entry with { Tags = gridTags }, token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "HybridCache removed tag '{Tag}': grid tag '{GridTag}' invalidated")]
    private static partial void LogTagInvalidated(ILogger logger, string tag, string gridTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HybridCache entry '{Key}' was not stored in the grid: {Problem}")]
    private static partial void LogEntryNotStored(ILogger logger, string key, string problem);
}
