using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grid.Client.Commands;
using Grid.Client.Results;
using Grid.Resilience;
using Microsoft.Extensions.Logging;

namespace Grid.Client.GetOrSet;

/// <summary>
/// <c>GetOrSetAsync</c>: a fresh value is returned as read; otherwise one factory run per key in this client (the first
/// caller leads, the others wait for its value), optionally under the <see cref="ClusterLease"/> so one client in the
/// cluster runs it, within the soft and hard timeouts, falling back to the stale value when fail-safe allows it. With
/// refresh-ahead, a read of a fresh value past its refresh point returns it at once and starts one refresh for the
/// cluster in the background (<see cref="RefreshAheadGate"/>, under the key's <see cref="ClusterLease"/>).
/// </summary>
internal sealed partial class GetOrSetRunner(KeyCommands keys, ClusterLease lease, IGridSerializer serializer, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Task<ReadOnlyMemory<byte>>> _flights = new(StringComparer.Ordinal);
    private readonly RefreshAheadGate _refreshAhead = new(time, logger);

    public async ValueTask<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= GridGetOrSetOptions.Default;
        options.Validate();
        if (RunningFactories.Contains(key))
        {
            throw new InvalidOperationException($"GetOrSetAsync for key '{ResultCheck.Shorten(key)}' was called from inside that key's own factory: it would wait for itself. Read or write the key directly there, or produce its value without it.");
        }

        var found = await ReadAsync(key, options, bypassNearCache: false, cancellationToken).ConfigureAwait(false);
        if (found.Fresh)
        {
            if (found.RefreshDue)
            {
                _refreshAhead.Start(key, () => RefreshAheadAsync(key, factory, options));
            }

            return serializer.Deserialize<T>(found.Payload.Span);
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
        return serializer.Deserialize<T>(payload.Span);
    }

    private async Task LeadAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale, TaskCompletionSource<ReadOnlyMemory<byte>> lead)
    {
        var flight = new KeyValuePair<string, Task<ReadOnlyMemory<byte>>>(key, lead.Task);
        try
        {
            var background = new StrongBox<Task?>();
            var value = await RefreshAsync(key, factory, options, stale, background).ConfigureAwait(false);
            if (background.Value is not { } refresh)
            {
                // Out of the table before it completes: a call that starts once this one has its answer never joins a
                // finished flight. It did, in a window of a few instructions, and got this flight's value back without
                // looking at the grid, even when that value had since expired.
                _flights.TryRemove(flight);
                lead.TrySetResult(value);
                return;
            }

            // Answered with the stale value at the soft timeout: until the factory's value is written, later callers
            // get the stale value from this flight too, instead of starting a second factory run.
            lead.TrySetResult(value);
            await refresh.ConfigureAwait(false);
            _flights.TryRemove(flight);
        }
        catch (Exception ex)
        {
            _flights.TryRemove(flight);
            lead.TrySetException(ex);
        }
    }

    /// <summary>The leader's work: look again, take the cluster lease if asked, run the factory under its timeouts, write.</summary>
    private async Task<ReadOnlyMemory<byte>> RefreshAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale, StrongBox<Task?> background)
    {
        bool leased = false;
        try
        {
            if (options.ClusterWide)
            {
                var deadline = time.GetUtcNow() + options.LockTimeout;
                var delay = TimeSpan.FromMilliseconds(5);
                while (!(leased = await lease.TryAcquireAsync(key, options.LockTimeout).ConfigureAwait(false)))
                {
                    // Another client runs the factory: wait for its value (or for its lease to lapse).
                    var written = await ReadAsync(key, options, bypassNearCache: true, CancellationToken.None).ConfigureAwait(false);
                    if (written.Fresh)
                    {
                        return written.Payload;
                    }

                    if (time.GetUtcNow() > deadline)
                    {
                        break;
                    }

                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
                }
            }

            var now = await ReadAsync(key, options, bypassNearCache: true, CancellationToken.None).ConfigureAwait(false);
            if (now.Fresh)
            {
                return now.Payload;
            }

            stale = now.Exists ? now : stale;
            return await RunFactoryAsync(key, factory, options, stale, background).ConfigureAwait(false);
        }
        finally
        {
            if (leased)
            {
                await lease.ReleaseAsync(key).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A refresh-ahead attempt: under the key's lease (never waiting for it: a client that does not get it leaves the
    /// refresh to the holder), look again and, if the value is still due, run the factory within its hard timeout and
    /// write. True when this attempt refreshed the value or found it refreshed.
    /// </summary>
    private async Task<bool> RefreshAheadAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options)
    {
        if (!await lease.TryAcquireAsync(key, options.LockTimeout).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            var now = await ReadAsync(key, options, bypassNearCache: true, CancellationToken.None).ConfigureAwait(false);
            if (now is { Fresh: true, RefreshDue: false })
            {
                return true;
            }

            using var hard = options.HardTimeout is { } hardTimeout ? new CancellationTokenSource(hardTimeout, time) : new CancellationTokenSource();
            await ProduceAsync(key, factory, options, hard.Token).ConfigureAwait(false);
            return true;
        }
        finally
        {
            await lease.ReleaseAsync(key).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the factory under its timeouts; a factory still running at the soft timeout goes on in <paramref name="background"/>.</summary>
    private async Task<ReadOnlyMemory<byte>> RunFactoryAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CachedLookup stale, StrongBox<Task?> background)
    {
        var hard = options.HardTimeout is { } hardTimeout ? new CancellationTokenSource(hardTimeout, time) : new CancellationTokenSource();
        bool handedOff = false;
        var produce = ProduceAsync(key, factory, options, hard.Token);
        try
        {
            if (stale.Exists && options.SoftTimeout is { } soft)
            {
                var first = await Task.WhenAny(produce, Task.Delay(soft, time)).ConfigureAwait(false);
                if (!ReferenceEquals(first, produce))
                {
                    LogSoftTimeout(logger, key, soft);

                    // The factory goes on after the caller is answered: its hard timeout must outlive this call, so the
                    // background continuation owns the token source from here on.
                    handedOff = true;
                    background.Value = produce.ContinueWith(
                        t =>
                        {
                            hard.Dispose();
                            LogBackgroundRefresh(logger, key, t.Exception);
                        },
                        TaskScheduler.Default);
                    return stale.Payload;
                }
            }

            // At most until the hard timeout, even when the factory ignores its token (it may finish later: its value
            // is then not cached, ProduceAsync checks the token once the factory returns).
            return await produce.WaitAsync(hard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            // The factory may still be running; whatever it ends with is observed, not left to the finalizer.
            AbandonedCall.Observe(produce);
            if (options.FailSafe && stale.Exists)
            {
                LogFailSafe(logger, null, key);
                return stale.Payload;
            }

            throw new TimeoutException($"The factory for key '{ResultCheck.Shorten(key)}' did not finish within {options.HardTimeout}.");
        }
        catch (Exception ex) when (options.FailSafe && stale.Exists && ex is not OperationCanceledException)
        {
            LogFailSafe(logger, ex, key);
            return stale.Payload;
        }
        finally
        {
            if (!handedOff)
            {
                hard.Dispose();
            }
        }
    }

    /// <summary>Runs the factory and writes its value; the result is the payload callers deserialize.</summary>
    private async Task<ReadOnlyMemory<byte>> ProduceAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, GridGetOrSetOptions options, CancellationToken cancellationToken)
    {
        T value;
        using (RunningFactories.Enter(key))
        {
            value = await factory(cancellationToken).ConfigureAwait(false);
        }

        // A factory that ignored its token and returned after the hard timeout: its caller has had the TimeoutException
        // (or the stale value), and a value that late is not cached.
        cancellationToken.ThrowIfCancellationRequested();
        var payload = serializer.Serialize(value);
        var entry = options.Entry ?? GridEntryOptions.Default;
        if (options.FailSafe || options.RefreshAhead is not null)
        {
            var now = time.GetUtcNow();
            var ttl = GridGetOrSetOptions.TimeToLiveOf(entry, now);
            long logicalExpiry = ttl is { } t ? now.Add(t).ToUnixTimeMilliseconds() : 0;
            long refreshAt = options.RefreshAhead is { } fraction && ttl is { } lifetime ? now.Add(lifetime * fraction).ToUnixTimeMilliseconds() : 0;
            var stored = GetOrSetEnvelope.Wrap(payload, logicalExpiry, refreshAt);
            var physical = options.FailSafe && ttl is { } logical ? entry with { TimeToLive = KeptFor(logical, options.FailSafeMaxDuration), AbsoluteExpiration = null } : entry;
            await keys.SetAsync(key, stored, physical, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await keys.SetAsync(key, payload, entry, CancellationToken.None).ConfigureAwait(false);
        }

        return payload;
    }

    /// <summary>
    /// How long a fail-safe entry is kept: <paramref name="failSafe"/> past its logical expiry, within the cluster's
    /// MaxTimeToLive (a time to live at the limit keeps no stale copy past it, instead of failing with a time to live the
    /// caller never gave). A logical time to live over the limit is left as it is, for the write to refuse.
    /// </summary>
    private TimeSpan KeptFor(TimeSpan logical, TimeSpan failSafe)
    {
        var max = keys.Limits.MaxTimeToLive;
        return logical > max ? logical : max - logical <= failSafe ? max : logical + failSafe;
    }

    private async ValueTask<CachedLookup> ReadAsync(string key, GridGetOrSetOptions options, bool bypassNearCache, CancellationToken cancellationToken)
    {
        var stored = await keys.GetAsync(key, bypassNearCache ? GridReadOptions.SkipNearCache : null, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return default;
        }

        // An entry written with FailSafe or RefreshAhead carries a header even when this call asks for neither: it is
        // read as such (its logical expiry holds), not handed to the serializer header and all.
        if (!options.FailSafe && options.RefreshAhead is null && !GetOrSetEnvelope.IsWrapped(stored))
        {
            return new CachedLookup(true, true, stored);
        }

        var payload = GetOrSetEnvelope.Unwrap(stored, out long logicalExpiry, out long refreshAt);
        long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        bool fresh = logicalExpiry == 0 || logicalExpiry > nowMs;
        return new CachedLookup(true, fresh, payload, RefreshDue: fresh && refreshAt != 0 && refreshAt <= nowMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GetOrSet for key {Key}: the factory failed or timed out; returning the stale value (fail-safe)")]
    private static partial void LogFailSafe(ILogger logger, Exception? error, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "GetOrSet for key {Key}: the factory took longer than {SoftTimeout}; returning the stale value while it finishes")]
    private static partial void LogSoftTimeout(ILogger logger, string key, TimeSpan softTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GetOrSet for key {Key}: the background refresh failed")]
    private static partial void LogBackgroundRefreshFailed(ILogger logger, Exception error, string key);

    private static void LogBackgroundRefresh(ILogger logger, string key, AggregateException? error)
    {
        if (error is not null)
        {
            LogBackgroundRefreshFailed(logger, error.GetBaseException(), key);
        }
    }
}
