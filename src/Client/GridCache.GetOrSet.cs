using System.Collections.Concurrent;
using Grid.Client.GetOrSet;
using Grid.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Client;

public sealed partial class GridCache
{
    private readonly ConcurrentDictionary<string, Task<ReadOnlyMemory<byte>>> _flights = new(StringComparer.Ordinal);
    private readonly byte[] _leaseOwner = Guid.NewGuid().ToByteArray();

    /// <inheritdoc />
    public async ValueTask<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= GridGetOrSetOptions.Default;
        options.Validate();
        var found = await ReadForGetOrSetAsync(key, options, bypassNearCache: false, cancellationToken).ConfigureAwait(false);
        if (found.Fresh)
        {
            return Serializer.Deserialize<T>(found.Payload.Span);
        }

        // One factory run per key in this client: the first caller leads, the others wait for its value.
        var lead = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _flights.GetOrAdd(key, lead.Task);
        if (ReferenceEquals(flight, lead.Task))
        {
            _ = LeadAsync(key, factory, options, found, lead);
        }

        var payload = cancellationToken.CanBeCanceled
            ? await flight.WaitAsync(cancellationToken).ConfigureAwait(false)
            : await flight.ConfigureAwait(false);
        return Serializer.Deserialize<T>(payload.Span);
    }

    private async Task LeadAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale, TaskCompletionSource<ReadOnlyMemory<byte>> lead)
    {
        try
        {
            lead.TrySetResult(await RefreshAsync(key, factory, options, stale).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            lead.TrySetException(ex);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Task<ReadOnlyMemory<byte>>>(key, lead.Task));
        }
    }

    /// <summary>The leader's work: look again, take the cluster lease if asked, run the factory under its timeouts, write.</summary>
    private async Task<ReadOnlyMemory<byte>> RefreshAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale)
    {
        bool leased = false;
        try
        {
            if (options.ClusterWide)
            {
                var deadline = TimeProvider.GetUtcNow() + options.LockTimeout;
                var delay = TimeSpan.FromMilliseconds(5);
                while (!(leased = await TryLeaseAsync(key, options.LockTimeout).ConfigureAwait(false)))
                {
                    // Another client runs the factory: wait for its value (or for its lease to lapse).
                    var written = await ReadForGetOrSetAsync(key, options, bypassNearCache: true, CancellationToken.None).ConfigureAwait(false);
                    if (written.Fresh)
                    {
                        return written.Payload;
                    }

                    if (TimeProvider.GetUtcNow() > deadline)
                    {
                        break;
                    }

                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
                }
            }

            var now = await ReadForGetOrSetAsync(key, options, bypassNearCache: true, CancellationToken.None).ConfigureAwait(false);
            if (now.Fresh)
            {
                return now.Payload;
            }

            stale = now.Exists ? now : stale;
            return await RunFactoryAsync(key, factory, options, stale).ConfigureAwait(false);
        }
        finally
        {
            if (leased)
            {
                await ReleaseLeaseAsync(key).ConfigureAwait(false);
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>> RunFactoryAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale)
    {
        using var hard = options.HardTimeout is { } hardTimeout ? new CancellationTokenSource(hardTimeout, TimeProvider) : new CancellationTokenSource();
        var produce = ProduceAsync(key, factory, options, hard.Token);
        try
        {
            if (stale.Exists && options.SoftTimeout is { } soft)
            {
                var first = await Task.WhenAny(produce, Task.Delay(soft, TimeProvider)).ConfigureAwait(false);
                if (!ReferenceEquals(first, produce))
                {
                    LogSoftTimeout(_logger, key, soft);
                    _ = produce.ContinueWith(t => LogBackgroundRefresh(_logger, key, t.Exception), TaskScheduler.Default);
                    return stale.Payload;
                }
            }

            return await produce.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            if (options.FailSafe && stale.Exists)
            {
                LogFailSafe(_logger, null, key);
                return stale.Payload;
            }

            throw new TimeoutException($"The factory for key '{Shorten(key)}' did not finish within {options.HardTimeout}.");
        }
        catch (Exception ex) when (options.FailSafe && stale.Exists && ex is not OperationCanceledException)
        {
            LogFailSafe(_logger, ex, key);
            return stale.Payload;
        }
    }

    /// <summary>Runs the factory and writes its value; the result is the payload callers deserialize.</summary>
    private async Task<ReadOnlyMemory<byte>> ProduceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CancellationToken cancellationToken)
    {
        var value = await factory(cancellationToken).ConfigureAwait(false);
        var payload = Serializer.Serialize(value);
        var entry = options.Entry ?? GridEntryOptions.Default;
        if (options.FailSafe)
        {
            var ttl = entry.TimeToLive ?? (entry.AbsoluteExpiration is { } at ? at - TimeProvider.GetUtcNow() : null);
            long logicalExpiry = ttl is { } t ? TimeProvider.GetUtcNow().Add(t).ToUnixTimeMilliseconds() : 0;
            var stored = FailSafeEnvelope.Wrap(payload, logicalExpiry);
            var physical = ttl is { } logical ? entry with { TimeToLive = logical + options.FailSafeMaxDuration, AbsoluteExpiration = null } : entry;
            await SetAsync(key, stored, physical, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await SetAsync(key, payload, entry, CancellationToken.None).ConfigureAwait(false);
        }

        return payload;
    }

    private async ValueTask<CachedLookup> ReadForGetOrSetAsync(string key, GridGetOrSetOptions options, bool bypassNearCache, CancellationToken cancellationToken)
    {
        var stored = await GetAsync(key, bypassNearCache ? GridReadOptions.SkipNearCache : null, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return default;
        }

        if (!options.FailSafe)
        {
            return new CachedLookup(true, true, stored);
        }

        var payload = FailSafeEnvelope.Unwrap(stored, out long logicalExpiry);
        bool fresh = logicalExpiry == 0 || logicalExpiry > TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return new CachedLookup(true, fresh, payload);
    }

    private async ValueTask<bool> TryLeaseAsync(string key, TimeSpan duration)
    {
        var op = new GridOp { Code = OpCode.LeaseAcquire, Key = EncodeKey(key), Value = _leaseOwner, Arg0 = GridValidation.ToMilliseconds(duration, _limits, nameof(duration)) };
        return Check(await ExecuteAsync(op, CancellationToken.None).ConfigureAwait(false), key).Number == 1;
    }

    private async ValueTask ReleaseLeaseAsync(string key)
    {
        try
        {
            var op = new GridOp { Code = OpCode.LeaseRelease, Key = EncodeKey(key), Value = _leaseOwner };
            Check(await ExecuteAsync(op, CancellationToken.None).ConfigureAwait(false), key);
        }
        catch (GridException ex)
        {
            // The lease lapses by itself after LockTimeout.
            LogLeaseRelease(_logger, ex, key);
        }
    }

    /// <summary>What a GetOrSet read found: whether there is a value, whether it is still fresh, and its payload.</summary>
    private readonly record struct CachedLookup(bool Exists, bool Fresh, ReadOnlyMemory<byte> Payload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GetOrSet for key {Key}: the factory failed or timed out; returning the stale value (fail-safe)")]
    private static partial void LogFailSafe(ILogger logger, Exception? error, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "GetOrSet for key {Key}: the factory took longer than {SoftTimeout}; returning the stale value while it finishes")]
    private static partial void LogSoftTimeout(ILogger logger, string key, TimeSpan softTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GetOrSet for key {Key}: the background refresh failed")]
    private static partial void LogBackgroundRefreshFailed(ILogger logger, Exception error, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GetOrSet for key {Key}: releasing the lease failed; it lapses by itself")]
    private static partial void LogLeaseRelease(ILogger logger, Exception error, string key);

    private static void LogBackgroundRefresh(ILogger logger, string key, AggregateException? error)
    {
        if (error is not null)
        {
            LogBackgroundRefreshFailed(logger, error.GetBaseException(), key);
        }
    }
}
