namespace Grid.Client;

/// <summary>
/// The Grid cache. Every operation is atomic for its key. Keys are non-empty strings (at most the cluster's
/// MaxKeyBytes in UTF-8); values are bytes (typed overloads in <see cref="GridCacheTypedExtensions"/> go through
/// <see cref="Serializer"/>). Bad input throws an <see cref="ArgumentException"/> and stores nothing; an operation on a
/// key of another type throws <see cref="GridWrongTypeException"/> and changes nothing; a grid that cannot be reached
/// throws <see cref="GridUnavailableException"/> (no silo to send to) or, when silos stop answering, a
/// <see cref="GridTimeoutException"/> at the operation's deadline. A cancelled token stops the caller's wait; an operation
/// already sent may still complete on the grid, but never after a later operation of this client on the same key. A
/// disposed cache throws <see cref="ObjectDisposedException"/>.
/// </summary>
public interface IGridCache
{
    /// <summary>The serializer typed overloads use.</summary>
    IGridSerializer Serializer { get; }

    /// <summary>The limits requests are checked against: the cluster's once connected (key, value and TTL sizes, tags, keys per call).</summary>
    GridLimits Limits { get; }

    /// <summary>
    /// Reads a value; null when the key does not exist. A counter reads as its decimal text. Served from the near cache
    /// when it holds a fresh copy (see <see cref="NearCacheOptions"/>).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads a value, with per-read near-cache options (skip it, or keep the value for a given time).</summary>
    /// <param name="key">The key.</param>
    /// <param name="options">How this read uses the near cache; null for the defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?> GetAsync(string key, GridReadOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Writes a value. Returns false when <see cref="GridEntryOptions.When"/> or <see cref="GridEntryOptions.IfVersion"/> prevented the write.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (at most the cluster's MaxValueBytes).</param>
    /// <param name="options">Expiry, condition and tags; none by default.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key of any type. Returns whether it existed.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a string or counter with its entry version, always from the grid (never the near cache), for an optimistic
    /// read-modify-write: write back with <see cref="GridEntryOptions.IfVersion"/> set to <see cref="GridVersionedValue.Version"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value and version; <see cref="GridVersionedValue.Missing"/> (version 0) when the key does not exist.</returns>
    /// <exception cref="GridWrongTypeException">The key holds a hash or list.</exception>
    ValueTask<GridVersionedValue> GetWithVersionAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="SetAsync"/> answering the entry's version: the new one when the write happened, the current one when
    /// <see cref="GridEntryOptions.IfVersion"/> (or When) prevented it. A conflict is a result, not an exception.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (at most the cluster's MaxValueBytes).</param>
    /// <param name="options">Expiry, condition or expected version, and tags; none by default.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<GridWriteResult> SetWithVersionAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a key of any type, with <see cref="GridEntryOptions.IfVersion"/> (only if the entry still has that version)
    /// and <see cref="GridEntryOptions.Timeout"/> (other options are refused), answering whether its condition held and
    /// the entry's version (0 once removed; the current one on a conflict, which is a result, not an exception).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="options">IfVersion and/or Timeout.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<GridWriteResult> RemoveWithVersionAsync(string key, GridEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Whether a key exists (and has not expired).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Makes a key expire after <paramref name="timeToLive"/> (replacing any sliding expiration). Returns false when the key does not exist.</summary>
    /// <param name="key">The key.</param>
    /// <param name="timeToLive">Positive, at most the cluster's MaxTimeToLive.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Removes a key's expiry. Returns false when the key does not exist or had none.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> PersistAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The remaining time to live of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<GridTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The type of value held at a key (<see cref="GridValueType.None"/> when missing).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<GridValueType> GetTypeAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads many keys at once (one call per silo, in parallel), in the order of <paramref name="keys"/>: null for a missing
    /// key and for one holding a hash or a list (as Redis MGET answers; <see cref="GetAsync(string, CancellationToken)"/> of such a key throws
    /// <see cref="GridWrongTypeException"/>).
    /// </summary>
    /// <param name="keys">The keys (at most the cluster's MaxKeysPerCall).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes many entries at once (one call per silo, in parallel), each atomically; all are checked before any is sent.
    /// A key given more than once ends with its last value, as with Redis's <c>MSET</c>.
    /// </summary>
    /// <param name="items">Keys and values (at most the cluster's MaxKeysPerCall).</param>
    /// <param name="options">Expiry and tags for every entry; a condition is not allowed here.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask SetManyAsync(IReadOnlyCollection<KeyValuePair<string, ReadOnlyMemory<byte>>> items, GridEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="delta"/> to a 64-bit counter (created at 0 when missing) and returns the new value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount (may be negative).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridOverflowException">The result would not fit in 64 bits; the counter is unchanged.</exception>
    /// <exception cref="GridWrongTypeException">The key holds something other than an integer.</exception>
    ValueTask<long> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary><see cref="IncrementAsync"/> answering the entry version the increment gave the counter as well as its value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount (may be negative).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="GridOverflowException">The result would not fit in 64 bits; the counter is unchanged.</exception>
    /// <exception cref="GridWrongTypeException">The key holds something other than an integer.</exception>
    ValueTask<GridCounterResult> IncrementWithVersionAsync(string key, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary>Subtracts <paramref name="delta"/> from a 64-bit counter (created at 0 when missing) and returns the new value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount (not <see cref="long.MinValue"/>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> DecrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary>Sets a hash field (creating the hash). Returns true when the field is new.</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="value">The field's value.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> HashSetAsync(string key, string field, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Reads a hash field; null when the hash or the field does not exist.</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?> HashGetAsync(string key, string field, CancellationToken cancellationToken = default);

    /// <summary>Reads every field of a hash (empty when it does not exist).</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<IReadOnlyDictionary<string, byte[]>> HashGetAllAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes a hash field (the hash goes when its last field does). Returns whether the field existed.</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="delta"/> to an integer hash field (created at 0) and returns the new value.</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="field">The field name.</param>
    /// <param name="delta">The amount (may be negative).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> HashIncrementAsync(string key, string field, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary>Number of fields of a hash (0 when it does not exist).</summary>
    /// <param name="key">The hash's key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> HashLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Pushes values onto the head of a list (creating it), in order, so the last one ends up first. Returns the new length.</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="values">One or more values.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default);

    /// <summary>Appends values to the tail of a list (creating it). Returns the new length.</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="values">One or more values.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> ListRightPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the head of a list; null when the list does not exist. The list goes with its last element.</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?> ListLeftPopAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the tail of a list; null when the list does not exist.</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[]?> ListRightPopAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Elements <paramref name="start"/> through <paramref name="stop"/> (inclusive; negative indexes count from the end, -1 is the last).</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="start">First index.</param>
    /// <param name="stop">Last index.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<byte[][]> ListRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default);

    /// <summary>Length of a list (0 when it does not exist).</summary>
    /// <param name="key">The list's key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<long> ListLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cache-aside with stampede protection: returns the cached value, or runs <paramref name="factory"/> once for all
    /// concurrent callers of this client (once per cluster with <see cref="GridGetOrSetOptions.ClusterWide"/>), writes
    /// its value and returns it. With <see cref="GridGetOrSetOptions.FailSafe"/>, a failing or timed-out factory is
    /// answered with the last value (kept for <see cref="GridGetOrSetOptions.FailSafeMaxDuration"/> after it expired).
    /// </summary>
    /// <typeparam name="T">The value type (serialized with <see cref="Serializer"/>).</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="factory">Produces the value when it is missing or stale; gets a token cancelled at the hard timeout.</param>
    /// <param name="options">Expiry of the value, stampede scope, fail-safe and timeouts.</param>
    /// <param name="cancellationToken">Stops this caller's wait (the factory run for all callers goes on).</param>
    /// <exception cref="TimeoutException">The factory passed its hard timeout and there was no stale value to return.</exception>
    ValueTask<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>What this client did so far, per level (near cache and grid): hits, misses, promotions, invalidations, size.</summary>
    GridClientStatistics GetStatistics();

    /// <summary>
    /// Removes every entry that carries <paramref name="tag"/>, on every partition and silo, and returns how many were
    /// removed. When it returns, no entry written with the tag and acknowledged before the call began is readable; a
    /// write with the tag that races the call may survive, and then a later invalidation of the tag removes it. Entries
    /// that lost the tag (overwritten without it), or expired, are not removed and not counted.
    /// </summary>
    /// <param name="tag">The tag (non-empty, at most the cluster's MaxKeyBytes in UTF-8).</param>
    /// <param name="cancellationToken">Stops waiting; the invalidation may still complete on the grid.</param>
    ValueTask<long> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every entry whose key matches a Redis glob pattern and returns how many were removed: <c>*</c> any run,
    /// <c>?</c> one byte, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c>, <c>\x</c> a literal x (<c>user:*</c>, <c>user:4?</c>).
    /// Every partition is scanned in bounded steps (other operations run between them); a pattern whose literal start
    /// holds a hash tag (<c>user:{42}:*</c>) scans only that tag's partition. Entries present when the call began and
    /// not rewritten meanwhile are gone when it returns.
    /// </summary>
    /// <param name="pattern">The pattern (non-empty, at most the cluster's MaxKeyBytes in UTF-8).</param>
    /// <param name="cancellationToken">Stops waiting; the invalidation may still complete on the grid.</param>
    ValueTask<long> InvalidatePatternAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>Counters of every active silo.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<IReadOnlyList<GridSiloStatistics>> GetSiloStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The cluster's hottest keys by reads plus writes per second, highest first: each silo's approximate top keys
    /// (README: Hot keys), merged.
    /// </summary>
    /// <param name="top">How many keys (1 to 1,024). A silo keeps <c>Grid:HotKeys:TopKeys</c> per list, so asking for
    /// more returns fewer.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is not between 1 and 1,024.</exception>
    ValueTask<IReadOnlyList<GridHotKey>> GetHotKeysAsync(int top = 10, CancellationToken cancellationToken = default);
}
