using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Grid.Client.Invalidation;

/// <summary>
/// Reads every registered <see cref="IChangeFeedConsumer"/>, maps each event through the <see cref="GridChangeRules"/>
/// and applies its invalidations. Events go to lanes by source, and each lane applies its events one at a time, so the
/// events of one source are applied in the order they were read. A failed event is retried with exponential backoff
/// and jitter; one that still fails (or whose rule rejects it with an <see cref="ArgumentException"/>) is poison: it is
/// logged and skipped, and the lane goes on. Every event is acknowledged to its feed once applied or skipped.
/// </summary>
internal sealed partial class ChangeFeedProcessor : BackgroundService
{
    private readonly IEnumerable<IChangeFeedConsumer> _consumers;
    private readonly GridChangeRules _rules;
    private readonly IGridCache _cache;
    private readonly GridChangeFeedOptions _options;
    private readonly ILogger<ChangeFeedProcessor> _logger;
    private readonly ResiliencePipeline _retry;

    public ChangeFeedProcessor(
        IEnumerable<IChangeFeedConsumer> consumers,
        GridChangeRules rules,
        IGridCache cache,
        GridChangeFeedOptions options,
        ILogger<ChangeFeedProcessor> logger)
    {
        _consumers = consumers;
        _rules = rules;
        _cache = cache;
        _options = options;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                // Bad input is poison at once; anything else (the grid unreachable, a rule's lookup failing) is retried.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && ex is not ArgumentException && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    Statistics.OnRetry();
                    var change = args.Context.Properties.GetValue(ChangeKey, null!);
                    LogRetrying(_logger, args.Outcome.Exception, change.Source, change.Id, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private static readonly ResiliencePropertyKey<DataChanged> ChangeKey = new("grid.change");

    public ChangeFeedStatistics Statistics { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lanes = new Channel<(DataChanged Change, IChangeFeedConsumer From)>[_options.Lanes];
        var workers = new List<Task>(lanes.Length);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = Channel.CreateBounded<(DataChanged, IChangeFeedConsumer)>(new BoundedChannelOptions(256) { SingleReader = true });
            workers.Add(RunLaneAsync(lanes[i].Reader, stoppingToken));
        }

        var readers = new List<Task>();
        foreach (var consumer in _consumers)
        {
            readers.Add(ReadAsync(consumer, lanes, stoppingToken));
        }

        try
        {
            await Task.WhenAll(readers).ConfigureAwait(false);
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Writer.TryComplete();
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
    }

    private async Task ReadAsync(IChangeFeedConsumer consumer, Channel<(DataChanged, IChangeFeedConsumer)>[] lanes, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in consumer.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Statistics.OnReceived();
                int lane = (int)((uint)StringComparer.Ordinal.GetHashCode(change.Source ?? "") % (uint)lanes.Length);
                await lanes[lane].Writer.WriteAsync((change, consumer), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    private async Task RunLaneAsync(ChannelReader<(DataChanged Change, IChangeFeedConsumer From)> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (change, from) in lane.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ProcessAsync(change, stoppingToken).ConfigureAwait(false);
                await from.AcknowledgeAsync(change, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: unacknowledged events are delivered again by a durable feed.
        }
    }

    /// <summary>Applies one event with retries; gives it up (logged) when it keeps failing. Never throws but for shutdown.</summary>
    internal async Task ProcessAsync(DataChanged change, CancellationToken stoppingToken)
    {
        var context = ResilienceContextPool.Shared.Get(stoppingToken);
        context.Properties.Set(ChangeKey, change);
        try
        {
            await _retry.ExecuteAsync(static (ctx, state) => state.Processor.ApplyAsync(state.Change, ctx.CancellationToken), context, (Processor: this, Change: change)).ConfigureAwait(false);
            Statistics.OnApplied();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            Statistics.OnPoisoned();
            LogPoisoned(_logger, ex, change.Source, change.Id, change.Kind, change.Position);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask ApplyAsync(DataChanged change, CancellationToken cancellationToken)
    {
        if (change.Source is null || change.Id is null)
        {
            throw new ArgumentException("A data-change event needs a source and an id.", nameof(change));
        }

        var targets = await _rules.ResolveAsync(change, cancellationToken).ConfigureAwait(false);
        if (targets.IsEmpty)
        {
            LogNoRule(_logger, change.Source, change.Id);
            return;
        }

        var calls = new List<Task>(targets.Keys.Count + targets.Tags.Count + targets.Patterns.Count);
        foreach (var key in targets.Keys)
        {
            calls.Add(_cache.RemoveAsync(key, cancellationToken).AsTask());
        }

        foreach (var tag in targets.Tags)
        {
            calls.Add(_cache.InvalidateTagAsync(tag, cancellationToken).AsTask());
        }

        foreach (var pattern in targets.Patterns)
        {
            calls.Add(_cache.InvalidatePatternAsync(pattern, cancellationToken).AsTask());
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invalidating for change {Source}/{Id} failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception? exception, string source, string id, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poison data-change event {Source}/{Id} ({Kind}, position {Position}) skipped: its invalidations kept failing or it was rejected")]
    private static partial void LogPoisoned(ILogger logger, Exception exception, string source, string id, DataChangeKind kind, string? position);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No rule invalidates anything for change {Source}/{Id}")]
    private static partial void LogNoRule(ILogger logger, string source, string id);
}
