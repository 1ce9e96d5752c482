using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Grid.Protocol;

namespace Grid.Client;

public sealed partial class GridCache
{
    /// <summary>The clock absolute expirations are measured against.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        GetAsync(key, null, cancellationToken);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte[]?> GetAsync(string key, GridReadOptions? options, CancellationToken cancellationToken = default)
    {
        bool near = _near is not null && options?.BypassNearCache != true;
        if (near && key is not null)
        {
            long started = Metrics.ClientOperationMetrics.Start();
            if (_near!.TryGet(key, out var cached))
            {
                if (started != 0)
                {
                    Metrics.GridClientMetrics.RecordNearHit(started);
                }

                return cached.AsSpan().ToArray();
            }
        }

        var keyBytes = EncodeKey(key!);
        if (near && _near!.Admits(key!))
        {
            return await GetThroughNearCacheAsync(key!, keyBytes, options, cancellationToken).ConfigureAwait(false);
        }

        var result = Check(await ExecuteAsync(new GridOp { Code = OpCode.Get, Key = keyBytes }, cancellationToken, CallTimeout(options?.Timeout)).ConfigureAwait(false), key!);
        return CountGridRead(result) ? result.Value : null;
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> SetAsync(string key, ReadOnlyMemory<byte> value, GridEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var op = BuildSet(EncodeKey(key), value, options, allowCondition: true);
        var invalidate = TagsToInvalidate(options);
        ForgetLocal(key);
        GridResult result;
        if (KeepsWrittenValue(op))
        {
            var pending = await SubmitTrackedAsync(op, cancellationToken, CallTimeout(options?.Timeout)).ConfigureAwait(false);
            result = Check(pending.Task.Result, key);
            ForgetLocal(key);
            KeepWritten(key, value, result, pending);
        }
        else
        {
            result = Check(await ExecuteAsync(op, cancellationToken, CallTimeout(options?.Timeout)).ConfigureAwait(false), key);
            ForgetLocal(key);
        }

        bool written = result.Status != ResultStatus.ConditionNotMet;
        if (written && invalidate is not null)
        {
            await InvalidateAfterWriteAsync(invalidate, [key], cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        (await WriteAsync(new GridOp { Code = OpCode.Remove, Key = EncodeKey(key) }, key, cancellationToken).ConfigureAwait(false)).Number == 1;

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        await NumberAsync(OpCode.Exists, key, cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        var op = new GridOp { Code = OpCode.Expire, Key = EncodeKey(key), Arg0 = GridValidation.ToMilliseconds(timeToLive, _limits, nameof(timeToLive)) };
        return (await WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> PersistAsync(string key, CancellationToken cancellationToken = default) =>
        (await WriteAsync(new GridOp { Code = OpCode.Persist, Key = EncodeKey(key) }, key, cancellationToken).ConfigureAwait(false)).Number == 1;

    /// <inheritdoc />
    public async ValueTask<GridTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default)
    {
        var op = new GridOp { Code = OpCode.TimeToLive, Key = EncodeKey(key) };
        var result = Check(await ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key);
        if (result.Status == ResultStatus.NotFound)
        {
            return GridTimeToLive.Missing;
        }

        return result.Number < 0 ? GridTimeToLive.NoExpiry : new GridTimeToLive(true, TimeSpan.FromMilliseconds(result.Number));
    }

    /// <inheritdoc />
    public async ValueTask<GridValueType> GetTypeAsync(string key, CancellationToken cancellationToken = default) =>
        (GridValueType)await NumberAsync(OpCode.Type, key, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default)
    {
        var op = new GridOp { Code = OpCode.Increment, Key = EncodeKey(key), Arg0 = delta };
        return (await WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    /// <inheritdoc />
    public ValueTask<long> DecrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default)
    {
        if (delta == long.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "A decrement of long.MinValue cannot be negated; increment by long.MinValue instead.");
        }

        return IncrementAsync(key, -delta, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CheckCount(keys.Count, nameof(keys));
        var values = new byte[]?[keys.Count];
        var ops = new List<GridOp>(keys.Count);
        var indexes = new List<int>(keys.Count);
        for (int i = 0; i < values.Length; i++)
        {
            var keyBytes = EncodeKey(keys[i], $"{nameof(keys)}[{i}]");
            if (_near is not null && _near.TryGet(keys[i], out var cached))
            {
                values[i] = cached.AsSpan().ToArray();
                continue;
            }

            ops.Add(new GridOp { Code = OpCode.Get, Key = keyBytes, Flags = _near is not null && _near.Admits(keys[i]) ? OpFlags.Track : OpFlags.None });
            indexes.Add(i);
        }

        if (ops.Count == 0)
        {
            return values;
        }

        var (results, pending) = await ExecuteReadsAsync([.. ops], cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < results.Length; j++)
        {
            int i = indexes[j];
            // As Redis MGET: a key holding another type reads as missing.
            values[i] = results[j].Status switch
            {
                ResultStatus.Ok => _near is null ? results[j].Value : KeepNear(keys[i], results[j], pending?[j], null)?.AsSpan().ToArray(),
                ResultStatus.NotFound or ResultStatus.WrongType => null,
                _ => Check(results[j], keys[i]).Value,
            };
            CountGridRead(results[j]);
        }

        return values;
    }

    /// <inheritdoc />
    public async ValueTask SetManyAsync(IReadOnlyCollection<KeyValuePair<string, ReadOnlyMemory<byte>>> items, GridEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        CheckCount(items.Count, nameof(items));
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
            ops[i] = BuildSet(EncodeKey(key, $"{nameof(items)}[{i}].Key"), value, options, allowCondition: false);
            i++;
        }

        CheckRequestBytes(ops, nameof(items));
        foreach (var key in keys)
        {
            ForgetLocal(key);
        }

        var invalidate = TagsToInvalidate(options);
        var results = await ExecuteManyAsync(ops, cancellationToken, CallTimeout(options?.Timeout)).ConfigureAwait(false);
        for (i = 0; i < results.Length; i++)
        {
            ForgetLocal(keys[i]);
            Check(results[i], keys[i]);
        }

        if (invalidate is not null)
        {
            await InvalidateAfterWriteAsync(invalidate, keys, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<GridSiloStatistics>> GetSiloStatisticsAsync(CancellationToken cancellationToken = default)
    {
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        await _router.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var silos = _router.Table.Silos;
        var calls = new Task<GridSiloStatistics>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            calls[i] = silos[i].Entry.GetStatistics();
        }

        return await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<GridAnalyticsReport> GetAnalyticsAsync(CancellationToken cancellationToken = default)
    {
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        await _router.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var silos = _router.Table.Silos;
        if (silos.Length == 0)
        {
            throw new GridUnavailableException("The cluster has no active silo.");
        }

        var calls = new Task<GridSiloAnalytics>[silos.Length];
        for (int i = 0; i < silos.Length; i++)
        {
            calls[i] = silos[i].Entry.GetAnalytics();
        }

        GridSiloAnalytics[] answers;
        try
        {
            answers = await Task.WhenAll(calls).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not GridException and not OperationCanceledException)
        {
            throw new GridUnavailableException($"A silo did not answer for analytics: {ex.Message}", ex);
        }

        return GridAnalyticsMerge.Build(answers, GetStatistics(), TimeProvider.GetUtcNow());
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> NumberAsync(OpCode code, string key, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = code, Key = EncodeKey(key) };
        return Check(await ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key).Number;
    }

    private byte[] EncodeKey(string key, string paramName = "key") => GridValidation.EncodeKey(key, _limits, paramName);

    /// <summary>A call's own deadline, checked: positive and at most a day.</summary>
    private static TimeSpan? CallTimeout(TimeSpan? timeout)
    {
        if (timeout is { } value && (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException("options.Timeout", value, "A call's Timeout must be positive and at most one day.");
        }

        return timeout;
    }

    private void CheckCount(int count, string paramName)
    {
        if (count > _limits.MaxKeysPerCall)
        {
            throw new ArgumentException($"A call may carry at most {_limits.MaxKeysPerCall} keys (MaxKeysPerCall); this one has {count}.", paramName);
        }
    }

    /// <summary>Refuses a multi-key call whose keys, values and tags add up to more than MaxRequestBytes.</summary>
    private void CheckRequestBytes(GridOp[] ops, string paramName)
    {
        long total = 0;
        foreach (var op in ops)
        {
            total += op.Key.Length + (op.Value?.Length ?? 0);
            foreach (var tag in op.Tags ?? [])
            {
                total += tag.Length;
            }
        }

        if (total > _limits.MaxRequestBytes)
        {
            throw new ArgumentException($"The call carries {total} bytes of keys, values and tags, more than MaxRequestBytes ({_limits.MaxRequestBytes}).", paramName);
        }
    }

    private GridOp BuildSet(byte[] key, ReadOnlyMemory<byte> value, GridEntryOptions? options, bool allowCondition)
    {
        var limits = _limits;
        GridValidation.CheckValue(value.Length, limits);
        var op = new GridOp { Code = OpCode.Set, Key = key, Value = AsArray(value) };
        if (options is null)
        {
            return op;
        }

        if (options.TimeToLive is { } ttl)
        {
            if (options.AbsoluteExpiration is not null)
            {
                throw new ArgumentException("Set either TimeToLive or AbsoluteExpiration, not both.", nameof(options));
            }

            op.Arg0 = GridValidation.ToMilliseconds(ttl, limits, "options.TimeToLive");
        }
        else if (options.AbsoluteExpiration is { } at)
        {
            var remaining = at - TimeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("options.AbsoluteExpiration", at, "The absolute expiration must be in the future.");
            }

            op.Arg0 = GridValidation.ToMilliseconds(remaining, limits, "options.AbsoluteExpiration");
        }

        if (options.SlidingExpiration is { } sliding)
        {
            op.Arg1 = GridValidation.ToMilliseconds(sliding, limits, "options.SlidingExpiration");
        }

        op.Flags = options.When switch
        {
            SetCondition.Always => OpFlags.None,
            SetCondition.NotExists when allowCondition => OpFlags.IfNotExists,
            SetCondition.Exists when allowCondition => OpFlags.IfExists,
            _ => throw new ArgumentOutOfRangeException("options.When", options.When, "Unknown or unsupported SetCondition."),
        };

        if (options.Tags is { Count: > 0 } tags)
        {
            if (tags.Count > limits.MaxTagsPerEntry)
            {
                throw new ArgumentException($"An entry may carry at most {limits.MaxTagsPerEntry} tags (MaxTagsPerEntry); this one has {tags.Count}.", nameof(options));
            }

            var copy = new string[tags.Count];
            for (int i = 0; i < copy.Length; i++)
            {
                GridValidation.CheckName(tags[i], limits, "tag", $"options.Tags[{i}]");
                copy[i] = tags[i];
            }

            op.Tags = copy;
        }

        return op;
    }

    /// <summary>The value's array when it spans a whole array (no copy), else a copy.</summary>
    private static byte[] AsArray(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();
}
