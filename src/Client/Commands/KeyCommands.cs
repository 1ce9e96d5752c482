using System.Runtime.CompilerServices;
using Grid.Client.Dispatch;
using Grid.Client.Invalidation;
using Grid.Client.Metrics;
using Grid.Client.NearCache;
using Grid.Client.Requests;
using Grid.Client.Results;
using Grid.Client.Routing;
using Grid.Protocol;

namespace Grid.Client.Commands;

/// <summary>
/// The commands on whole keys: get and set (through the near cache when there is one), remove, exists, expiry, type,
/// and their multi-key forms. Get and set are the hot path: pooled state machines, no allocation beyond the operation
/// and, on a near-cache hit, the caller's copy.
/// </summary>
internal sealed class KeyCommands
{
    private readonly OperationDispatcher _dispatcher;
    private readonly CommandRunner _runner;
    private readonly RequestBuilder _requests;
    private readonly NearCacheReads _reads;
    private readonly ClientReadStatistics _statistics;
    private readonly TagAndPatternInvalidation _invalidation;

    // Keys the silos marked hot, read from their replica's silo (GridClientOptions.ReadHotKeysFromReplicas); null when off.
    private readonly HotKeyHints? _replicaReads;

    public KeyCommands(OperationDispatcher dispatcher, CommandRunner runner, RequestBuilder requests, NearCacheReads reads, ClientReadStatistics statistics, TagAndPatternInvalidation invalidation, HotKeyHints? replicaReads = null)
    {
        _replicaReads = replicaReads;
        _dispatcher = dispatcher;
        _runner = runner;
        _requests = requests;
        _reads = reads;
        _statistics = statistics;
        _invalidation = invalidation;
    }

    /// <summary>
    /// A read through the near cache (when on and consulted) and the grid. A near-cache hit is the caller's own copy.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte[]?> GetAsync(string key, GridReadOptions? options, CancellationToken cancellationToken)
    {
        bool nearCache = _reads.Enabled && key is not null;

        // Hashed once: the lookup and, on a miss, the admission decision (and a hot-key hint) use the same hash.
        int hash = nearCache ? NearCacheTable.HashOf(key!) : 0;
        bool near = nearCache && options?.BypassNearCache != true && _reads.Consults(hash);
        if (near && _reads.TryGetFresh(key!, hash, out var cached))
        {
            return cached;
        }

        var keyBytes = _requests.EncodeKey(key!);
        if (near && _reads.Admits(hash))
        {
            return await _reads.ReadAsync(key!, hash, keyBytes, options, cancellationToken).ConfigureAwait(false);
        }

        var op = new GridOp { Code = OpCode.Get, Key = keyBytes };
        if (_replicaReads is not null)
        {
            hash = nearCache ? hash : NearCacheTable.HashOf(key!);
            if (_replicaReads.Contains(hash))
            {
                op.Flags = OpFlags.ReplicaRead;
            }
        }

        var result = ResultCheck.Check(await _dispatcher.ExecuteAsync(op, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false), key!);
        if (result.HotKey)
        {
            if (nearCache)
            {
                _reads.HintHot(hash);
            }

            _replicaReads?.Add(hash);
        }

        return _statistics.CountGridRead(result) ? result.Value : null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options, CancellationToken cancellationToken)
    {
        var op = _requests.BuildSet(_requests.EncodeKey(key), value, options, allowCondition: true);
        var invalidate = _invalidation.TagsToInvalidate(options);
        GridResult result;
        if (_reads.KeepsWrittenValue(op, key, out int hash))
        {
            // The held copy stays while the write is under way (it is not acknowledged yet, so the old value is still a
            // right answer) and is replaced by the written one, or dropped, when it ends: one near-cache update per write
            // instead of a removal before it and a removal and an insert after it.
            long sentAt = _reads.WriteClock;
            PendingOp pending;
            try
            {
                pending = await _dispatcher.SubmitTrackedAsync(op, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false);
                result = ResultCheck.Check(pending.Task.Result, key);
            }
            catch
            {
                // The write may still apply, and the silo does not push this client's own tracked writes back to it.
                _reads.WriteEnded(key, _dispatcher.PartitionOf(op.Key));
                throw;
            }

            _reads.KeepWritten(key, hash, value, result, pending, sentAt);
        }
        else
        {
            _reads.ForgetLocal(key);
            result = ResultCheck.Check(await _dispatcher.ExecuteAsync(op, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false), key);
            _reads.ForgetLocal(key);
        }

        bool written = result.Status != ResultStatus.ConditionNotMet;
        if (written && invalidate is not null)
        {
            await _invalidation.InvalidateAfterWriteAsync(invalidate, [key], cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>
    /// A set that answers the entry's version (and, on a version or When conflict, the version the entry has): not the
    /// hot path, so it skips the near cache's keep-the-written-value step and simply forgets the key.
    /// </summary>
    public async ValueTask<GridWriteResult> SetWithVersionAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options, CancellationToken cancellationToken)
    {
        var op = _requests.BuildSet(_requests.EncodeKey(key), value, options, allowCondition: true);
        op.Flags |= OpFlags.WithVersion;
        var invalidate = _invalidation.TagsToInvalidate(options);
        var result = await _runner.WriteAsync(op, key, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false);
        bool applied = result.Status != ResultStatus.ConditionNotMet;
        if (applied && invalidate is not null)
        {
            await _invalidation.InvalidateAfterWriteAsync(invalidate, [key], cancellationToken).ConfigureAwait(false);
        }

        return new GridWriteResult(applied, result.EntryVersion);
    }

    /// <summary>A read of a string or counter with its entry version, always from the grid (a near-cached copy has no version).</summary>
    public async ValueTask<GridVersionedValue> GetWithVersionAsync(string key, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.Get, Key = _requests.EncodeKey(key), Flags = OpFlags.WithVersion };
        var result = ResultCheck.Check(await _dispatcher.ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key);
        return _statistics.CountGridRead(result) ? new GridVersionedValue(result.Value, result.EntryVersion) : GridVersionedValue.Missing;
    }

    public async ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken) =>
        (await _runner.WriteAsync(new GridOp { Code = OpCode.Remove, Key = _requests.EncodeKey(key) }, key, cancellationToken).ConfigureAwait(false)).Number == 1;

    /// <summary>A removal that answers whether its condition held and the entry's version (0 once removed; the current one on a conflict).</summary>
    public async ValueTask<GridWriteResult> RemoveWithVersionAsync(string key, GridEntryOptions? options, CancellationToken cancellationToken)
    {
        var op = _requests.BuildRemove(_requests.EncodeKey(key), options);
        op.Flags |= OpFlags.WithVersion;
        var result = await _runner.WriteAsync(op, key, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false);
        return new GridWriteResult(result.Status != ResultStatus.ConditionNotMet, result.EntryVersion);
    }

    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await _runner.NumberAsync(OpCode.Exists, key, cancellationToken).ConfigureAwait(false) == 1;

    public async ValueTask<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.Expire, Key = _requests.EncodeKey(key), Arg0 = _requests.Milliseconds(timeToLive, nameof(timeToLive)) };
        return (await _runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number == 1;
    }

    public async ValueTask<bool> PersistAsync(string key, CancellationToken cancellationToken) =>
        (await _runner.WriteAsync(new GridOp { Code = OpCode.Persist, Key = _requests.EncodeKey(key) }, key, cancellationToken).ConfigureAwait(false)).Number == 1;

    public async ValueTask<GridTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.TimeToLive, Key = _requests.EncodeKey(key) };
        var result = await _runner.ReadAsync(op, key, cancellationToken).ConfigureAwait(false);
        if (result.Status == ResultStatus.NotFound)
        {
            return GridTimeToLive.Missing;
        }

        return result.Number < 0 ? GridTimeToLive.NoExpiry : new GridTimeToLive(true, TimeSpan.FromMilliseconds(result.Number));
    }

    public async ValueTask<GridValueType> GetTypeAsync(string key, CancellationToken cancellationToken) =>
        (GridValueType)await _runner.NumberAsync(OpCode.Type, key, cancellationToken).ConfigureAwait(false);

    /// <summary>The cluster's limits as this client knows them.</summary>
    public GridLimits Limits => _requests.Limits;

    public async ValueTask<byte[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _requests.CheckCount(keys.Count, nameof(keys));

        // Checked first, as SetManyAsync does: an empty or fully near-cached read would otherwise ignore it.
        cancellationToken.ThrowIfCancellationRequested();
        var values = new byte[]?[keys.Count];
        var ops = new List<GridOp>(keys.Count);
        var indexes = new List<int>(keys.Count);
        bool near = _reads.Enabled;
        for (int i = 0; i < values.Length; i++)
        {
            var keyBytes = _requests.EncodeKey(keys[i], $"{nameof(keys)}[{i}]");
            int hash = near ? NearCacheTable.HashOf(keys[i]) : 0;
            bool consult = near && _reads.Consults(hash);
            if (consult && _reads.TryGet(keys[i], hash, out var cached))
            {
                values[i] = cached;
                continue;
            }

            ops.Add(new GridOp { Code = OpCode.Get, Key = keyBytes, Flags = consult && _reads.Admits(hash) ? OpFlags.Track : OpFlags.None });
            indexes.Add(i);
        }

        if (ops.Count == 0)
        {
            return values;
        }

        var (results, pending) = await _dispatcher.ExecuteReadsAsync([.. ops], cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < results.Length; j++)
        {
            int i = indexes[j];
            // As Redis MGET: a key holding another type reads as missing.
            values[i] = results[j].Status switch
            {
                ResultStatus.Ok => near ? _reads.KeepRead(keys[i], results[j], pending?[j], null)?.AsSpan().ToArray() : results[j].Value,
                ResultStatus.NotFound or ResultStatus.WrongType => null,
                _ => ResultCheck.Check(results[j], keys[i]).Value,
            };
            _statistics.CountGridRead(results[j]);
            if (results[j].HotKey && near)
            {
                _reads.HintHot(NearCacheTable.HashOf(keys[i]));
            }
        }

        return values;
    }

    /// <summary>
    /// The ops of <paramref name="keys"/> without the earlier occurrences of a key given more than once (the same arrays
    /// when none is): the last value wins, as with Redis's MSET. Sending both would not do: the batched path keeps no
    /// order between the batches of one call (a large call's batches go out together, and a partition that activates
    /// meanwhile can run a later batch's op first).
    /// </summary>
    private static (GridOp[] Ops, string[] Keys) LastOccurrences(GridOp[] ops, string[] keys)
    {
        if (keys.Length < 2)
        {
            return (ops, keys);
        }

        var seen = new HashSet<string>(keys.Length, StringComparer.Ordinal);
        bool[]? dropped = null;
        int kept = keys.Length;
        for (int i = keys.Length - 1; i >= 0; i--)
        {
            if (!seen.Add(keys[i]))
            {
                (dropped ??= new bool[keys.Length])[i] = true;
                kept--;
            }
        }

        if (dropped is null)
        {
            return (ops, keys);
        }

        var keptOps = new GridOp[kept];
        var keptKeys = new string[kept];
        for (int i = 0, j = 0; i < keys.Length; i++)
        {
            if (!dropped[i])
            {
                keptOps[j] = ops[i];
                keptKeys[j++] = keys[i];
            }
        }

        return (keptOps, keptKeys);
    }

    public async ValueTask SetManyAsync(IReadOnlyCollection<KeyValuePair<string, ReadOnlyMemory<byte>>> items, GridEntryOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        _requests.CheckCount(items.Count, nameof(items));
        if (options is not null && options.When != SetCondition.Always)
        {
            throw new ArgumentException("SetManyAsync writes unconditionally; use SetAsync for conditional writes.", nameof(options));
        }

        var ops = new GridOp[items.Count];
        var keys = new string[ops.Length];
        int i = 0;
        foreach (var (key, value) in items)
        {
            keys[i] = key;
            ops[i] = _requests.BuildSet(_requests.EncodeKey(key, $"{nameof(items)}[{i}].Key"), value, options, allowCondition: false);
            i++;
        }

        _requests.CheckRequestBytes(ops, nameof(items));
        (ops, keys) = LastOccurrences(ops, keys);
        foreach (var key in keys)
        {
            _reads.ForgetLocal(key);
        }

        var invalidate = _invalidation.TagsToInvalidate(options);
        var results = await _dispatcher.ExecuteManyAsync(ops, cancellationToken, RequestBuilder.CallTimeout(options?.Timeout)).ConfigureAwait(false);
        for (i = 0; i < results.Length; i++)
        {
            _reads.ForgetLocal(keys[i]);
            ResultCheck.Check(results[i], keys[i]);
        }

        if (invalidate is not null)
        {
            await _invalidation.InvalidateAfterWriteAsync(invalidate, keys, cancellationToken).ConfigureAwait(false);
        }
    }
}
