using System.Buffers;
using Grid.Client;
using Grid.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grid.Extensions.Caching;

/// <summary>
/// <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> over the grid, behaving as Microsoft's
/// own distributed caches do: absolute, relative and sliding expiration (sliding never past the absolute one), reads
/// that slide the expiration, <c>Refresh</c> that slides it without reading, null arguments refused with
/// <see cref="ArgumentNullException"/>, an absolute expiration in the past refused with
/// <see cref="ArgumentOutOfRangeException"/>, and cancellation honoured before anything is sent. Reads are answered by the
/// grid, not the client's near cache (<see cref="GridDistributedCacheOptions.UseNearCache"/>), so every server sees
/// another's acknowledged write or remove at once, as a distributed cache must. Expirations longer than
/// the cluster's MaxTimeToLive are capped to it. Works as HybridCache's L2: HybridCache's tags become grid tags and
/// its <c>RemoveByTagAsync</c> invalidates them on the grid (see <see cref="GridDistributedCacheOptions.HybridCacheTags"/>
/// and the README).
/// </summary>
public sealed partial class GridDistributedCache : IBufferDistributedCache
{
    private readonly IGridCache _cache;
    private readonly string _prefix;
    private readonly GridReadOptions? _readOptions;
    private readonly bool _hybridTags;
    private readonly string _tagPrefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the adapter.</summary>
    /// <param name="cache">The grid cache.</param>
    /// <param name="options">Settings.</param>
    public GridDistributedCache(IGridCache cache, IOptions<GridDistributedCacheOptions> options)
        : this(cache, options, NullLogger<GridDistributedCache>.Instance)
    {
    }

    /// <summary>Creates the adapter, logging what it cannot store.</summary>
    /// <param name="cache">The grid cache.</param>
    /// <param name="options">Settings.</param>
    /// <param name="logger">Where warnings go.</param>
    public GridDistributedCache(IGridCache cache, IOptions<GridDistributedCacheOptions> options, ILogger<GridDistributedCache> logger)
        : this(cache, options, TimeProvider.System, logger)
    {
    }

    internal GridDistributedCache(IGridCache cache, IOptions<GridDistributedCacheOptions> options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        Grid.Hosting.GridOptionsRegistration.ThrowIfInvalid(new GridDistributedCacheOptionsValidator(), options.Value);
        _cache = cache;
        _prefix = options.Value.KeyPrefix;
        _readOptions = options.Value.UseNearCache ? null : GridReadOptions.SkipNearCache;
        _hybridTags = options.Value.HybridCacheTags;
        _tagPrefix = options.Value.HybridCacheTagPrefix;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        return await _cache.GetAsync(_prefix + key, _readOptions, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        token.ThrowIfCancellationRequested();
        var entry = ToEntryOptions(options);
        if (_hybridTags)
        {
            await SetRecognisingHybridCacheAsync(key, value, entry, token).ConfigureAwait(false);
            return;
        }

        await _cache.SetAsync(_prefix + key, value, entry, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        // A touch on the grid slides the entry's expiration without moving its value.
        await _cache.ExistsAsync(_prefix + key, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        token.ThrowIfCancellationRequested();
        await _cache.RemoveAsync(_prefix + key, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination) => TryGetAsync(key, destination).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var value = await GetAsync(key, token).ConfigureAwait(false);
        if (value is null)
        {
            return false;
        }

        destination.Write(value);
        return true;
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        await SetAsync(key, value.ToArray(), options, token).ConfigureAwait(false);

    /// <summary>Maps Microsoft's entry options to the grid's (a relative expiration wins over an absolute one, as in RedisCache).</summary>
    private GridEntryOptions ToEntryOptions(DistributedCacheEntryOptions options)
    {
        var now = _time.GetUtcNow();
        // Checked whether or not a relative expiration is given too (RedisCache throws either way: GetAbsoluteExpiration).
        if (options.AbsoluteExpiration is { } at && at <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(DistributedCacheEntryOptions.AbsoluteExpiration), at, "The absolute expiration value must be in the future.");
        }

        TimeSpan? ttl = options.AbsoluteExpirationRelativeToNow ?? (options.AbsoluteExpiration is { } absolute ? absolute - now : null);
        var max = _cache.Limits.MaxTimeToLive;
        return new GridEntryOptions
        {
            TimeToLive = ttl is { } t && t > max ? max : ttl,
            SlidingExpiration = options.SlidingExpiration is { } s && s > max ? max : options.SlidingExpiration,
        };
    }
}
