using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grid.Client.Dispatch;
using Grid.Client.Metrics;
using Grid.Client.Requests;
using Grid.Client.Results;
using Grid.Client.Routing;
using Grid.Protocol;

namespace Grid.Client.NearCache;

/// <summary>
/// Reads through the near cache and what keeps its copies right: a local hit returns a copy of the kept value;
/// concurrent misses of one key share one tracked grid read (single flight), whose value is kept when the silo tracks
/// the key for this client; a write forgets the key locally, and an invalidation stops later readers from joining a
/// read already under way. With the near cache off (<see cref="Enabled"/> false) every member is a no-op.
/// </summary>
internal sealed class NearCacheReads
{
    // Grid reads of near-cache misses under way, by key (shared by concurrent callers): the op itself is the flight, so
    // a miss allocates no completion of its own.
    private readonly ConcurrentDictionary<string, PendingOp> _flights = new(StringComparer.Ordinal);

    // Buckets of _flightsOpen, by the key's near-cache hash: with a handful of misses under way at any time, most keys'
    // buckets are empty (a single count would almost never be 0 under load).
    private const int FlightBuckets = 1024;

    // Per bucket, leaders between counting their flight here and its end: never fewer than the bucket's flights in
    // _flights (counted up before one is added, down after the leader's own removal). A write of a key whose bucket reads
    // 0 after the write's answer came skips the dictionary: no flight of the key was shareable then, and one added later
    // is sent later, after the write was applied, so readers may join it.
    private readonly int[] _flightsOpen = new int[FlightBuckets];
    private readonly NearCacheStore? _near;
    private readonly NearCacheBypass? _bypass;
    private readonly OperationDispatcher _dispatcher;
    private readonly ClientReadStatistics _statistics;
    private readonly ClientOperationMetrics _metrics;
    private readonly GridClientOptions _options;

    public NearCacheReads(NearCacheStore? near, OperationDispatcher dispatcher, ClientReadStatistics statistics, ClientOperationMetrics metrics, GridClientOptions options)
    {
        _near = near;
        _dispatcher = dispatcher;
        _statistics = statistics;
        _metrics = metrics;
        _options = options;
        if (near is not null)
        {
            near.Invalidated = ForgetSharedRead;
            _bypass = new NearCacheBypass(near, options.NearCache.MinHitRatio);
        }
    }

    /// <summary>True when the cache has a near cache.</summary>
    public bool Enabled => _near is not null;

    /// <summary>
    /// Whether a read of the key with near-cache hash <paramref name="hash"/> looks in the near cache at all: false while a
    /// near cache that has filled stays below <see cref="NearCacheOptions.MinHitRatio"/> hits (<see cref="NearCacheBypass"/>), and
    /// the read then goes to the grid as with the near cache off. Asked once per read, before the lookup.
    /// </summary>
    public bool Consults(int hash) => _bypass is null || _bypass.Consults(hash);

    /// <summary>Whether a read of a key that missed is tracked and kept (<see cref="NearCacheStore.Admits(int, bool)"/>), by the key's hash.</summary>
    /// <remarks>While the near cache is bypassed (<see cref="NearCacheBypass"/>), only keys read lately before or marked hot, whatever the room.</remarks>
    public bool Admits(int hash) => _near!.Admits(hash, selective: _bypass is { IsBypassing: true });

    /// <summary>An untracked read's answer said the key is hot on its silo: admit it from now on (<see cref="NearCacheStore.HintHot"/>).</summary>
    public void HintHot(int hash) => _near?.HintHot(hash);

    /// <summary>
    /// A copy of a fresh near-cache value, the caller's own. A hit's duration is recorded (level l1). By the key and its
    /// hash (<see cref="NearCacheTable.HashOf"/>), computed by the caller, which on a miss passes it on to
    /// <see cref="Admits"/>: a miss hashes its key once.
    /// </summary>
    public bool TryGetFresh(string key, int hash, out byte[] value)
    {
        if (_near is not null && key is not null)
        {
            long started = _metrics.Start();
            if (_near.TryGet(key, hash, out value))
            {
                if (started != 0)
                {
                    _metrics.RecordNearHit(started);
                }

                return true;
            }

            return false;
        }

        value = null!;
        return false;
    }

    /// <summary>A copy of a fresh near-cache value without recording a duration (multi-key reads), by the key and its hash.</summary>
    public bool TryGet(string key, int hash, out byte[] value)
    {
        if (_near is not null)
        {
            return _near.TryGet(key, hash, out value);
        }

        value = null!;
        return false;
    }

    /// <summary>
    /// A read through the near cache after a local miss: the grid answers a tracked read, and
    /// a value the silo tracks for this client is kept (never longer than the grid entry, the read's or the default
    /// near-cache time to live, or <see cref="NearCacheOptions.MaxStaleness"/>).
    /// Concurrent misses of one key in this client share one grid read (a hot key just invalidated would otherwise send
    /// every waiting caller to the grid at once); a write by this client starts a fresh one for later readers.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="hash">Its near-cache hash (<see cref="NearCacheTable.HashOf"/>).</param>
    /// <param name="keyBytes">The key encoded.</param>
    /// <param name="options">The read's options.</param>
    /// <param name="cancellationToken">Ends the caller's wait (not a read others joined).</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte[]?> ReadAsync(string key, int hash, byte[] keyBytes, GridReadOptions? options, CancellationToken cancellationToken)
    {
        // No flight of the key's bucket open: none to join, and the dictionary is not looked at.
        int bucket = FlightBucket(hash);
        if (Volatile.Read(ref _flightsOpen[bucket]) != 0 && _flights.TryGetValue(key, out var shared))
        {
            // Joined: the same grid answer (the leader counts it and keeps it); a copy, as the leader's may be kept.
            var joined = ResultCheck.Check(await AnswerOf(shared, cancellationToken).ConfigureAwait(false), key);
            return joined.Status == ResultStatus.Ok ? joined.Value?.AsSpan().ToArray() : null;
        }

        var timeout = RequestBuilder.CallTimeout(options?.Timeout);
        await _dispatcher.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var pending = _dispatcher.CreateTracked(new GridOp { Code = OpCode.Get, Key = keyBytes }, timeout);

        // Shared before it leaves, so an invalidation received from then on stops later readers from joining a read
        // that may carry the value from before the change. Two callers missing at the same instant may both lead: two
        // reads, nothing wrong. The leader's cancellation ends only its own wait: the op runs on for those who joined.
        Interlocked.Increment(ref _flightsOpen[bucket]);
        bool shareable = _flights.TryAdd(key, pending);
        if (!shareable)
        {
            Interlocked.Decrement(ref _flightsOpen[bucket]);
        }

        try
        {
            try
            {
                _dispatcher.Send(pending);
            }
            catch (Exception ex)
            {
                // Never sent: those who joined must not wait for an answer that cannot come.
                pending.Fail(ex);
                throw;
            }

            var result = ResultCheck.Check(await AnswerOf(pending, cancellationToken).ConfigureAwait(false), key);
            if (!_statistics.CountGridRead(result))
            {
                return null;
            }

            // The caller gets the grid's array itself unless the near cache keeps it or a joiner may be copying it.
            bool kept = TryKeep(key, result, pending, options);
            return kept || shareable ? result.Value?.AsSpan().ToArray() : result.Value;
        }
        finally
        {
            if (shareable)
            {
                _flights.TryRemove(new KeyValuePair<string, PendingOp>(key, pending));
                Interlocked.Decrement(ref _flightsOpen[bucket]);
            }
        }
    }

    /// <summary>Keeps a tracked value in the near cache when it may be kept; returns the value (callers copy it).</summary>
    public byte[]? KeepRead(string key, in GridResult result, PendingOp? pending, GridReadOptions? options)
    {
        TryKeep(key, result, pending, options);
        return result.Value;
    }

    /// <summary>Keeps a tracked value in the near cache when it may be kept; true when it was.</summary>
    private bool TryKeep(string key, in GridResult result, PendingOp? pending, GridReadOptions? options)
    {
        var value = result.Value;
        if (value is not null && options?.BypassNearCache != true && KeepableFor(result, pending, options?.NearCacheTimeToLive) is var ttl && ttl > TimeSpan.Zero)
        {
            var channel = pending!.Channel!;
            return _near!.TrySet(key, value, pending.Partition, channel.Silo, channel.NearCacheEpoch, result.Sequence, ttl);
        }

        return false;
    }

    /// <summary>
    /// Whether this write's value is kept in the near cache (<see cref="NearCacheOptions.KeepWrittenValues"/>), which
    /// goes through the same admission as a read's (<see cref="NearCacheStore.Admits(int, bool)"/>): once the near cache is
    /// nearly full, only a key read or written lately before is kept, so writes of keys nobody reads again neither
    /// evict kept values nor cost a tracked write.
    /// </summary>
    /// <param name="op">The write.</param>
    /// <param name="key">Its key.</param>
    /// <param name="hash">The key's hash (<see cref="NearCacheTable.HashOf"/>) when the value is kept, for <see cref="KeepWritten"/>.</param>
    public bool KeepsWrittenValue(GridOp op, string key, out int hash)
    {
        if (_near is not null && _options.Batching && _options.NearCache.KeepWrittenValues && op.Arg1 == 0)
        {
            hash = NearCacheTable.HashOf(key);
            return KeepsWritten(hash);
        }

        hash = 0;
        return false;
    }

    // While the near cache is bypassed, a written value is kept only for a key a silo marked hot: keeping others would
    // cost tracked writes and invalidations for a near cache that reads do not consult.
    private bool KeepsWritten(int hash) => _bypass is { IsBypassing: true } ? _near!.IsHinted(hash) : _near!.Admits(hash);

    /// <summary>Read when a tracked write is sent: the write's sentAt for <see cref="KeepWritten"/>.</summary>
    public long WriteClock => _near?.WriteClock ?? 0;

    /// <summary>
    /// Keeps the value this client just wrote, when the silo tracks the key for it and no later tracked write of the
    /// key by this client ended first (<see cref="NearCacheStore.TryKeepWritten"/>). <paramref name="hash"/>: the key's, from
    /// <see cref="KeepsWrittenValue"/>; <paramref name="sentAt"/>: <see cref="WriteClock"/> when it was sent.
    /// </summary>
    /// <remarks>
    /// The copy held from before the write is replaced, or dropped when the written value is not kept; readers that come
    /// after this write do not join a read sent before it.
    /// </remarks>
    public void KeepWritten(string key, int hash, ReadOnlyMemory<byte> value, in GridResult result, PendingOp pending, long sentAt)
    {
        ForgetFlight(key, hash);
        var ttl = KeepableFor(result, pending, null);
        var channel = pending.Channel;
        if (ttl > TimeSpan.Zero && channel is not null)
        {
            if (!_near!.TryKeepWritten(key, hash, value.Span, pending.Partition, channel.Silo, channel.NearCacheEpoch, result.Sequence, ttl, sentAt))
            {
                _near.Remove(key, hash);
            }
        }
        else
        {
            // Not keepable, but its end still orders the answers of this client's other writes of the key.
            _near!.WriteEnded(key, hash, pending.Partition);
        }
    }

    /// <summary>
    /// A tracked write of the key ended without its value kept (failed or unanswered; it may still apply): the held copy
    /// goes (see <see cref="NearCacheStore.WriteEnded"/>), and later readers do not join a read sent before the write.
    /// </summary>
    public void WriteEnded(string key, int partition)
    {
        if (_near is not null)
        {
            int hash = NearCacheTable.HashOf(key);
            ForgetFlight(key, hash);
            _near.WriteEnded(key, hash, partition);
        }
    }

    /// <summary>This client writes the key: its copy goes, and later readers do not join a read already under way.</summary>
    public void ForgetLocal(string key)
    {
        if (_near is not null)
        {
            int hash = NearCacheTable.HashOf(key);
            _near.Remove(key, hash);
            ForgetFlight(key, hash);
        }
    }

    /// <summary>
    /// Later readers of the key (near-cache hash <paramref name="hash"/>) do not join a grid read under way now (one sent
    /// before this client's write ended, or before an invalidation arrived).
    /// </summary>
    private void ForgetFlight(string key, int hash)
    {
        if (Volatile.Read(ref _flightsOpen[FlightBucket(hash)]) != 0)
        {
            _flights.TryRemove(key, out _);
        }
    }

    private static int FlightBucket(int hash) => (int)((uint)hash % FlightBuckets);

    /// <summary>An op's answer, waited for within the caller's cancellation only.</summary>
    private static Task<GridResult> AnswerOf(PendingOp pending, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task;

    /// <summary>
    /// How long the value of a tracked answer may stay in the near cache (zero: it may not be kept): the requested or
    /// the default time, capped by MaxStaleness and by what the grid entry has left.
    /// </summary>
    private TimeSpan KeepableFor(in GridResult result, PendingOp? pending, TimeSpan? requested)
    {
        if (_near is null || pending?.Channel is null || !result.Tracked || result.TimeToLiveMs == GridResult.NotCacheable)
        {
            return TimeSpan.Zero;
        }

        var nearOptions = _options.NearCache;
        var ttl = requested ?? nearOptions.TimeToLive;
        if (ttl > nearOptions.MaxStaleness)
        {
            ttl = nearOptions.MaxStaleness;
        }

        if (result.TimeToLiveMs >= 0 && TimeSpan.FromMilliseconds(result.TimeToLiveMs) < ttl)
        {
            ttl = TimeSpan.FromMilliseconds(result.TimeToLiveMs);
        }

        return ttl;
    }

    /// <summary>
    /// An invalidation arrived: later readers of the key must not join a grid read already under way (it may return the
    /// value from before the change); a whole partition's (null) stops all sharing.
    /// </summary>
    private void ForgetSharedRead(string? key)
    {
        if (key is null)
        {
            _flights.Clear();
        }
        else
        {
            ForgetFlight(key, NearCacheTable.HashOf(key));
        }
    }
}
