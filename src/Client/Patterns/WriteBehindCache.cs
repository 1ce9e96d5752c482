using System.Threading.Channels;
using Grid.Client.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Grid.Client;

/// <summary>
/// Write-behind over a <see cref="ICacheStore{TKey,TValue}"/>: a write updates the cache at once and is queued for the
/// store; a background pump saves the queue in batches (the last write of a key in a batch wins), retrying failed store
/// calls with exponential backoff until they succeed. The queue is bounded: writers wait when it is full. Disposing
/// (or stopping the host it is registered in) flushes everything queued; if the store cannot take it within
/// <see cref="WriteBehindOptions.FlushTimeout"/>, disposal throws naming how many writes were not saved.
/// </summary>
/// <typeparam name="TKey">The record key.</typeparam>
/// <typeparam name="TValue">The record.</typeparam>
public sealed partial class WriteBehindCache<TKey, TValue> : IAsyncDisposable, Metrics.IWriteBehindQueue
    where TKey : notnull
{
    private readonly IGridCache _cache;
    private readonly ICacheStore<TKey, TValue> _store;
    private readonly Func<TKey, string> _keyOf;
    private readonly WriteBehindOptions _options;
    private readonly GridEntryOptions? _entry;
    private readonly ILogger _logger;
    private readonly Channel<KeyValuePair<TKey, TValue>> _queue;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _pump;
    private readonly ResiliencePipeline _retry;
    private readonly Metrics.GridClientMetrics? _metrics;
    private static readonly ResiliencePropertyKey<int> BatchSize = new("grid.write-behind.batch");
    private long _queued;
    private long _saved;

    /// <summary>Creates the helper and starts its pump.</summary>
    /// <param name="cache">The grid cache.</param>
    /// <param name="store">The system of record.</param>
    /// <param name="keyOf">Maps a record key to its cache key.</param>
    /// <param name="options">Queue, batching and retry settings.</param>
    /// <param name="entry">How values are cached (expiry, tags).</param>
    /// <param name="logger">Where store failures are logged.</param>
    public WriteBehindCache(IGridCache cache, ICacheStore<TKey, TValue> store, Func<TKey, string> keyOf, WriteBehindOptions? options = null, GridEntryOptions? entry = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keyOf);
        _options = options ?? new WriteBehindOptions();
        Grid.Hosting.GridOptionsRegistration.ThrowIfInvalid(new WriteBehindOptionsValidator(), _options);
        _cache = cache;
        _store = store;
        _keyOf = keyOf;
        _entry = entry;
        _logger = logger ?? NullLogger.Instance;
        _queue = Channel.CreateBounded<KeyValuePair<TKey, TValue>>(new BoundedChannelOptions(_options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _retry = ClientRetryPipelines.StoreRetry(_options.RetryDelay, _options.MaxRetryDelay, OnSaveFailed, TimeProvider.System);
        _pump = Task.Run(PumpAsync);

        // The queue depth is reported with the grid cache's own instruments (none over another IGridCache).
        _metrics = (cache as GridCache)?.Metrics;
        _metrics?.Track(this);
    }

    /// <summary>Writes queued and not yet saved.</summary>
    public long Pending => Volatile.Read(ref _queued) - Volatile.Read(ref _saved);

    /// <summary>Updates the cache now and queues the record for the store (waiting while the queue is full).</summary>
    public async ValueTask SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default)
    {
        await _cache.SetAsync(_keyOf(key), value, _entry, cancellationToken).ConfigureAwait(false);
        await _queue.Writer.WriteAsync(new(key, value), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _queued);
    }

    /// <summary>Waits until every write queued before the call has reached the store.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = Volatile.Read(ref _queued);
        while (Volatile.Read(ref _saved) < target)
        {
            if (_pump.IsCompleted)
            {
                await _pump.ConfigureAwait(false);
                return;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking writes and saves everything queued (see <see cref="WriteBehindOptions.FlushTimeout"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _pump.WaitAsync(_options.FlushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            throw new GridException($"Write-behind could not save {Pending} queued write(s) to the store within {_options.FlushTimeout}; they are lost.", ex);
        }
        finally
        {
            _abandon.Dispose();
            _metrics?.Untrack(this);
        }
    }

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<KeyValuePair<TKey, TValue>>(_options.BatchSize);
        var positions = new Dictionary<TKey, int>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int taken = 0;
            var deadline = DateTime.UtcNow + _options.MaxDelay;
            while (taken < _options.BatchSize)
            {
                if (reader.TryRead(out var write))
                {
                    taken++;
                    // The last write of a key in the batch wins, in the position of its first write.
                    if (positions.TryGetValue(write.Key, out int at))
                    {
                        batch[at] = write;
                    }
                    else
                    {
                        positions[write.Key] = batch.Count;
                        batch.Add(write);
                    }

                    continue;
                }

                var wait = deadline - DateTime.UtcNow;
                if (wait <= TimeSpan.Zero || reader.Completion.IsCompleted)
                {
                    break;
                }

                using var timeout = new CancellationTokenSource(wait);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    break;
                }
            }

            await SaveAsync(batch).ConfigureAwait(false);
            Interlocked.Add(ref _saved, taken);
            batch.Clear();
            positions.Clear();
        }
    }

    /// <summary>Saves one batch, retried (<see cref="ClientRetryPipelines.StoreRetry"/>) until the store takes it or the cache is abandoned.</summary>
    private async Task SaveAsync(List<KeyValuePair<TKey, TValue>> batch)
    {
        var context = ResilienceContextPool.Shared.Get(_abandon.Token);
        context.Properties.Set(BatchSize, batch.Count);
        try
        {
            await _retry.ExecuteAsync(static (ctx, state) => state.Store.SaveAsync(state.Batch, ctx.CancellationToken), context, (Store: _store, Batch: batch)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ValueTask OnSaveFailed(OnRetryArguments<object> args)
    {
        LogSaveFailed(_logger, args.Outcome.Exception!, args.Context.Properties.GetValue(BatchSize, 0), args.AttemptNumber + 1, args.RetryDelay);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Write-behind: saving {Count} record(s) failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogSaveFailed(ILogger logger, Exception error, int count, int attempt, TimeSpan delay);
}
