using Grid.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.Cli.Connection;

/// <summary>
/// The real connection: a generic host with <c>AddGridCache</c> (an Orleans client and the cache), started for one
/// command and stopped after it. Logging goes to stderr, Warning and above (Orleans: Error and above).
/// </summary>
internal sealed class HostConnector(TextWriter log) : IAsyncDisposable
{
    /// <summary>
    /// How long the host may take past the connect timeout to give up by itself before it is cancelled. The client's
    /// retries end within the connect timeout and say why; this only bounds an attempt that hangs, so it leaves room for
    /// a busy machine's start-up (the retries' clock starts at the first failed attempt, not here).
    /// </summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What to do when no grid answers (the client library says the same in its own words).</summary>
    private const string NoGridHint = "is a silo running there? start a local silo with 'dotnet run --project src/Silo', or point --gateway (or --cluster) at a running grid";

    private IHost? _host;

    /// <summary>Starts the host and returns its cache, connected.</summary>
    /// <exception cref="GridUnavailableException">The grid could not be reached within the connect timeout.</exception>
    /// <exception cref="GridConfigurationException">The grid was reached but does not fit the options (partition count, service or cluster id).</exception>
    public async Task<IGridCache> ConnectAsync(GridClientOptions options, CancellationToken cancellationToken)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("This connector has already connected.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "grid" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TextWriterLoggerProvider(log));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Error);

        // Both the client and the host log every failed attempt to connect; the CLI reports the outcome itself, in one line.
        builder.Logging.AddFilter("Grid.Client.Hosting.BackoffConnectionRetryFilter", LogLevel.None);

        // The client's own warnings while it retries (routing refreshes failing while a silo is frozen, resends) are a
        // long-lived application's to log; a one-command tool says how its command ended, in one line (docs/cli.md).
        builder.Logging.AddFilter("Grid.Client", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.AddGridCache(client => CopyTo(options, client));
        _host = builder.Build();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout + StartGrace);
        try
        {
            await _host.StartAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GridUnavailableException(
                $"cannot reach the grid {GridAddress.Describe(options)}: no answer within {Parsing.Durations.Format(options.ConnectTimeout)}; {NoGridHint}", ex);
        }
        catch (Exception ex) when (ex is not (GridException or ArgumentException or OperationCanceledException))
        {
            // The client gives up with a GridUnavailableException that says where it looked and what to do; anything else
            // (a host that could not start at all) is described here.
            throw new GridUnavailableException($"cannot reach the grid {GridAddress.Describe(options)}: {Reason(ex)}; {NoGridHint}", ex);
        }

        return _host.Services.GetRequiredService<IGridCache>();
    }

    /// <summary>Stops and disposes the host, if one was started; a failure to stop is reported on the log writer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException or OrleansException or TimeoutException)
        {
            // The command's answer is already out; a client that does not close cleanly does not change it.
            log.WriteLine($"warning: the grid client did not close cleanly: {ErrorText.Of(ex)}");
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static void CopyTo(GridClientOptions from, GridClientOptions to)
    {
        to.PartitionCount = from.PartitionCount;
        to.Clustering = from.Clustering;
        to.Batching = from.Batching;
        to.MaxBatchSize = from.MaxBatchSize;
        to.MaxBatchesInFlight = from.MaxBatchesInFlight;
        to.RoutingRefreshInterval = from.RoutingRefreshInterval;
        to.ConnectTimeout = from.ConnectTimeout;
        to.OperationTimeout = from.OperationTimeout;
        to.BatchTimeout = from.BatchTimeout;
        to.ThreadPoolStarvationGuard = from.ThreadPoolStarvationGuard;
        to.Limits = from.Limits;
        to.NearCache = from.NearCache;
        to.Tls = from.Tls;
    }

    /// <summary>
    /// The failure's own message (the host may wrap several in an <see cref="AggregateException"/>). Not the innermost:
    /// Orleans' inner connection errors say "will retry", which is no longer true.
    /// </summary>
    private static string Reason(Exception exception)
    {
        var reason = exception;
        while (reason is AggregateException { InnerExceptions: [var single] })
        {
            reason = single;
        }

        return reason is AggregateException aggregate
            ? string.Join("; ", aggregate.InnerExceptions.Select(ErrorText.Of))
            : ErrorText.Of(reason);
    }
}
