using System.Runtime.CompilerServices;
using Grid.Client.Metrics;
using Grid.Client.NearCache;
using Grid.Client.Routing;
using Grid.Partitioning;
using Grid.Protocol;

namespace Grid.Client;

public sealed partial class GridCache
{
    /// <summary>The near cache's coherence machinery (null when the near cache is off); tests reach its hooks here.</summary>
    internal NearCacheCoordinator? NearCacheCoordinator => _coordinator;

    // Grid reads of near-cache misses under way, by key (shared by concurrent callers).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<byte[]?>> _nearReads = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public GridClientStatistics GetStatistics() => new()
    {
        NearCacheHits = _near?.Hits.Value ?? 0,
        NearCacheMisses = _near?.Misses.Value ?? 0,
        GridHits = _gridHits.Value,
        GridMisses = _gridMisses.Value,
        Promotions = _near?.Promotions ?? 0,
        InvalidationsReceived = _near?.InvalidationsReceived ?? 0,
        PartitionsDropped = _near?.PartitionsDropped ?? 0,
        Clears = _near?.Clears ?? 0,
        NearCacheEntries = _near?.Count ?? 0,
        NearCacheBytes = _near?.Bytes ?? 0,
    };

    /// <summary>Entries and value bytes in the near cache now.</summary>
    internal (long Entries, long Bytes) GetNearCacheSize() => (_near?.Count ?? 0, _near?.Bytes ?? 0);

    /// <summary>A fresh near-cache copy, not copied: only for callers that read it (deserializers), never hand it out.</summary>
    internal bool TryGetNearCached(string key, out byte[] value)
    {
        if (_near is not null && key is not null)
        {
            long started = ClientOperationMetrics.Start();
            if (_near.TryGet(key, out value))
            {
                if (started != 0)
                {
                    GridClientMetrics.RecordNearHit(started);
                }

                return true;
            }

            return false;
        }

        value = null!;
        return false;
    }

    /// <summary>The connection to the cluster was lost: the near cache can no longer hear about changes, so it empties.</summary>
    internal void OnConnectionLost(bool expected = false) => _coordinator?.OnConnectionLost(expected);

    /// <summary>
    /// A read through the near cache after a local miss: the grid answers a tracked read, and
    /// a value the silo tracks for this client is kept (never longer than the grid entry, the read's or the default
    /// near-cache time to live, or <see cref="NearCacheOptions.MaxStaleness"/>).
    /// Concurrent misses of one key in this client share one grid read (a hot key just invalidated would otherwise send
    /// every waiting caller to the grid at once); a write by this client starts a fresh one for later readers.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]?> GetThroughNearCacheAsync(string key, byte[] keyBytes, GridReadOptions? options, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_nearReads.TryGetValue(key, out var shared))
            {
                var value = cancellationToken.CanBeCanceled
                    ? await shared.WaitAsync(cancellationToken).ConfigureAwait(false)
                    : await shared.ConfigureAwait(false);
                return value?.AsSpan().ToArray();
            }

            var lead = new TaskCompletionSource<byte[]?>();
            if (_nearReads.TryAdd(key, lead.Task))
            {
                return await LeadNearReadAsync(key, keyBytes, options, lead, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]?> LeadNearReadAsync(string key, byte[] keyBytes, GridReadOptions? options, TaskCompletionSource<byte[]?> lead, CancellationToken cancellationToken)
    {
        try
        {
            // One op straight onto its channel: no arrays or per-silo grouping on the miss path.
            var pending = await SubmitTrackedAsync(new GridOp { Code = OpCode.Get, Key = keyBytes }, cancellationToken, CallTimeout(options?.Timeout)).ConfigureAwait(false);
            var result = Check(pending.Task.Result, key);
            var value = CountGridRead(result) ? KeepNear(key, result, pending, options) : null;
            lead.TrySetResult(value);
            return value?.AsSpan().ToArray();
        }
        catch (Exception ex)
        {
            lead.TrySetException(ex);
            throw;
        }
        finally
        {
            _nearReads.TryRemove(new KeyValuePair<string, Task<byte[]?>>(key, lead.Task));
        }
    }

    /// <summary>Runs reads and returns their results with the pending ops (to know each one's silo channel).</summary>
    private async ValueTask<(GridResult[] Results, PendingOp[]? Pending)> ExecuteReadsAsync(GridOp[] ops, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_options.Batching)
        {
            return (await ExecuteManyAsync(ops, cancellationToken).ConfigureAwait(false), null);
        }

        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        var pending = EnqueueMany(ops);
        var results = new GridResult[pending.Length];
        for (int i = 0; i < pending.Length; i++)
        {
            var task = pending[i].Task;
            results[i] = cancellationToken.CanBeCanceled
                ? await task.WaitAsync(cancellationToken).ConfigureAwait(false)
                : await task.ConfigureAwait(false);
        }

        return (results, pending);
    }

    /// <summary>Keeps a tracked value in the near cache when it may be kept; returns the value (callers copy it).</summary>
    private byte[]? KeepNear(string key, in GridResult result, PendingOp? pending, GridReadOptions? options)
    {
        var value = result.Value;
        if (value is not null && options?.BypassNearCache != true && KeepableFor(result, pending, options?.NearCacheTimeToLive) is var ttl && ttl > TimeSpan.Zero)
        {
            var channel = pending!.Channel!;
            _near!.TrySet(key, value, pending.Partition, channel.Silo, channel.NearCacheEpoch, result.Sequence, ttl);
        }

        return value;
    }

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

    /// <summary>Whether this write's value is kept in the near cache (<see cref="NearCacheOptions.KeepWrittenValues"/>).</summary>
    private bool KeepsWrittenValue(GridOp op) =>
        _near is not null && _options.Batching && _options.NearCache.KeepWrittenValues && op.Arg1 == 0;

    /// <summary>
    /// Sends one op that asks the silo to track its key for this client (a near-cache read, or a write whose value is
    /// kept) and returns it once answered, to know which silo answered. Needs batching (so does the near cache).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PendingOp> SubmitTrackedAsync(GridOp op, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        op.Flags |= OpFlags.Track;
        var pending = Enqueue(op, PartitionHasher.GetPartition(op.Key, _options.PartitionCount), timeout);
        if (cancellationToken.CanBeCanceled)
        {
            await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await pending.Task.ConfigureAwait(false);
        }

        return pending;
    }

    /// <summary>Keeps the value this client just wrote, when the silo tracks the key for it.</summary>
    private void KeepWritten(string key, ReadOnlyMemory<byte> value, in GridResult result, PendingOp pending)
    {
        var ttl = KeepableFor(result, pending, null);
        if (ttl > TimeSpan.Zero)
        {
            var channel = pending.Channel!;
            _near!.TrySet(key, value.ToArray(), pending.Partition, channel.Silo, channel.NearCacheEpoch, result.Sequence, ttl);
        }
    }

    /// <summary>Counts a grid read by its outcome; true when it found a value.</summary>
    private bool CountGridRead(in GridResult result)
    {
        if (result.Status == ResultStatus.Ok)
        {
            _gridHits.Increment();
            return true;
        }

        if (result.Status == ResultStatus.NotFound)
        {
            _gridMisses.Increment();
        }

        return false;
    }

    /// <summary>Runs a write and forgets the key locally before and after (the grid's push covers other clients).</summary>
    private async ValueTask<GridResult> WriteAsync(GridOp op, string key, CancellationToken cancellationToken)
    {
        ForgetLocal(key);
        var result = Check(await ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key);
        ForgetLocal(key);
        return result;
    }

    /// <summary>
    /// An invalidation arrived: later readers of the key must not join a grid read already under way (it may return the
    /// value from before the change); a whole partition's (null) stops all sharing.
    /// </summary>
    private void ForgetSharedRead(string? key)
    {
        if (key is null)
        {
            _nearReads.Clear();
        }
        else
        {
            _nearReads.TryRemove(key, out _);
        }
    }

    private void ForgetLocal(string key)
    {
        if (_near is not null)
        {
            _near.Remove(key);
            _nearReads.TryRemove(key, out _);
        }
    }

    /// <summary>The partition of a key (for tests and diagnostics).</summary>
    internal int PartitionOf(string key) => PartitionHasher.GetPartition(System.Text.Encoding.UTF8.GetBytes(key), _options.PartitionCount);
}
