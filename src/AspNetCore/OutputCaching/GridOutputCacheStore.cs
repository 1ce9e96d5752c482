using System.Buffers;
using System.IO.Pipelines;
using Grid.Client;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.AspNetCore;

/// <summary>
/// ASP.NET Core's output-cache store over the grid: every application instance that uses it shares the cached
/// responses, and output-cache tags are grid tags, so <see cref="EvictByTagAsync"/> removes the tagged responses on
/// every silo and from every client's near cache at once (cluster-wide, not only in the calling instance). Reads go
/// through the grid client's near cache, which the grid keeps coherent. Register it with <c>AddGridOutputCache</c>;
/// the edge-caching middleware (<c>UseGridEdgeCaching</c>) stores its responses here too.
/// </summary>
public sealed partial class GridOutputCacheStore : IOutputCacheBufferStore
{
    private readonly IGridCache _cache;
    private readonly string _keyPrefix;
    private readonly string _tagPrefix;
    private readonly ILogger _logger;
    private readonly GridHitCounter? _lookups;

    /// <summary>Longest output-cache key (UTF-8 bytes) kept as it is; longer ones are hashed (<see cref="StoredKey"/>).</summary>
    private const int MaxPlainKeyBytes = 1024;

    /// <summary>Creates the store (its hits and misses are not counted for the silos' dashboard).</summary>
    /// <param name="cache">The grid cache.</param>
    /// <param name="options">Key and tag prefixes.</param>
    /// <param name="logger">Where entries that could not be stored are reported.</param>
    public GridOutputCacheStore(IGridCache cache, IOptions<GridOutputCacheOptions> options, ILogger<GridOutputCacheStore> logger)
        : this(cache, options, logger, levels: null)
    {
    }

    /// <summary>Creates the store, counting its hits and misses as level <c>output</c> (reported to the silos' dashboard).</summary>
    /// <param name="cache">The grid cache.</param>
    /// <param name="options">Key and tag prefixes.</param>
    /// <param name="logger">Where entries that could not be stored are reported.</param>
    /// <param name="levels">Where output-cache hits and misses are counted; none when null.</param>
    public GridOutputCacheStore(IGridCache cache, IOptions<GridOutputCacheOptions> options, ILogger<GridOutputCacheStore> logger, GridLevelCounters? levels)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Grid.Hosting.GridOptionsRegistration.ThrowIfInvalid(new GridOutputCacheOptionsValidator(), options.Value);
        _cache = cache;
        _keyPrefix = options.Value.KeyPrefix;
        _tagPrefix = options.Value.TagPrefix;
        _logger = logger;
        _lookups = levels?.For("output");
    }

    /// <summary>Removes every entry stored with <paramref name="tag"/>, in the whole cluster (grid tag invalidation).</summary>
    /// <param name="tag">The output-cache tag.</param>
    /// <param name="cancellationToken">Stops waiting; the eviction may still complete on the grid.</param>
    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        long removed = await _cache.InvalidateTagAsync(_tagPrefix + tag, cancellationToken).ConfigureAwait(false);
        LogEvicted(_logger, tag, removed);
    }

    /// <summary>Reads an entry; null when it is missing or expired.</summary>
    /// <param name="key">The output-cache key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        Count(await ReadAsync(key, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads an entry without counting it as an output-cache lookup (the edge middleware counts its own).</summary>
    internal ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _cache.GetAsync(StoredKey(key), cancellationToken);
    }

    /// <summary>
    /// The grid key of an output-cache key: the key itself, or beyond 1 KiB its SHA-256 (an output-cache key holds the
    /// values of the headers and query it varies by, so it has no bound of its own; the grid's keys do, and a longer key
    /// made every request of such a policy miss and log an error).
    /// </summary>
    private string StoredKey(string key) =>
        System.Text.Encoding.UTF8.GetByteCount(key) <= MaxPlainKeyBytes
            ? _keyPrefix + key
            : _keyPrefix + "sha256:" + KeyHash.Sha256Hex(key);

    private byte[]? Count(byte[]? value)
    {
        if (value is null)
        {
            _lookups?.Miss();
        }
        else
        {
            _lookups?.Hit();
        }

        return value;
    }

    /// <summary>
    /// Stores an entry for <paramref name="validFor"/> (capped to the cluster's MaxTimeToLive) with its tags as grid
    /// tags. An entry whose tags the grid cannot carry (more than MaxTagsPerEntry, or a tag longer than MaxKeyBytes) is
    /// not stored, and a warning is logged: a cached response that tag eviction could not reach must not exist.
    /// </summary>
    /// <param name="key">The output-cache key.</param>
    /// <param name="value">The serialized response.</param>
    /// <param name="tags">Its tags, or null.</param>
    /// <param name="validFor">How long it is fresh; nothing is stored when it is not positive.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetCoreAsync(key, value, tags, validFor, cancellationToken);
    }

    /// <summary>Reads an entry into <paramref name="destination"/>; false when it is missing or expired.</summary>
    /// <param name="key">The output-cache key.</param>
    /// <param name="destination">Receives the serialized response.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async ValueTask<bool> TryGetAsync(string key, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var value = Count(await ReadAsync(key, cancellationToken).ConfigureAwait(false));
        if (value is null)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    /// <summary>Stores an entry from a buffer sequence; see <see cref="SetAsync(string, byte[], string[], TimeSpan, CancellationToken)"/>.</summary>
    /// <param name="key">The output-cache key.</param>
    /// <param name="value">The serialized response.</param>
    /// <param name="tags">Its tags.</param>
    /// <param name="validFor">How long it is fresh.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, ReadOnlyMemory<string> tags, TimeSpan validFor, CancellationToken cancellationToken) =>
        SetCoreAsync(key, value.ToArray(), tags.IsEmpty ? null : tags.ToArray(), validFor, cancellationToken);

    private async ValueTask SetCoreAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (validFor <= TimeSpan.Zero)
        {
            return;
        }

        var limits = _cache.Limits;
        var gridTags = PrefixTags(tags);
        if (Grid.Tags.TagLimits.Problem(gridTags, limits) is { } problem)
        {
            LogNotStored(_logger, key, problem);
            return;
        }

        if (value.Length > limits.MaxValueBytes)
        {
            // A response the grid cannot hold is served uncached, as the in-memory store would serve it cached: a warning,
            // not the error every such request logged.
            LogNotStored(_logger, key, $"the response is {value.Length:N0} bytes, over the grid's MaxValueBytes ({limits.MaxValueBytes:N0})");
            return;
        }

        var entry = new GridEntryOptions
        {
            TimeToLive = validFor > limits.MaxTimeToLive ? limits.MaxTimeToLive : validFor,
            Tags = gridTags,
        };
        await _cache.SetAsync(StoredKey(key), value, entry, cancellationToken).ConfigureAwait(false);
    }

    private List<string>? PrefixTags(string[]? tags)
    {
        if (tags is null || tags.Length == 0)
        {
            return null;
        }

        var result = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            if (!string.IsNullOrEmpty(tag) && !result.Contains(_tagPrefix + tag))
            {
                result.Add(_tagPrefix + tag);
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Output cache tag '{Tag}' evicted: {Removed} entries removed from the grid")]
    private static partial void LogEvicted(ILogger logger, string tag, long removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Output cache entry '{Key}' was not stored in the grid: {Problem}")]
    private static partial void LogNotStored(ILogger logger, string key, string problem);
}
