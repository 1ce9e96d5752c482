using Grid.Grains.Balancing;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace Grid.Grains.Replication;

/// <summary>
/// Copies of a partition's entries that keep a hand-off safe when the partition has no replica (<c>Replicas = 0</c>):
/// the copy a stopping silo leaves on the silo its partition migrates to, and the copy a partition's former primary
/// keeps after an explicit move. Both are parked in that silo's <see cref="ReplicaRegistry"/>, where the partition's next
/// activation looks for them when it arrives without state.
/// <para>
/// Why: Orleans drops a migrating activation's state without telling either side when the target silo already has an
/// activation of the grain (even one still deactivating) or cannot create one (<c>AcceptMigratingGrains</c>: "it is
/// too late to perform migration, so ignore the request"). With a replica that costs nothing, the partition recovers
/// from it; without one, every entry of the partition was lost (seen once in CI: a graceful stop under load lost an
/// acknowledged write). With replicas, the replica holder and the seed's drop instructions do all of this already.
/// </para>
/// <para>
/// A parked copy is released (dropped, up to its version) by the activation that took the partition over, so no stale
/// copy outlives the hand-off and comes back after a later crash.
/// </para>
/// </summary>
internal sealed partial class HandOffCopies
{
    private readonly ClusterView _view;
    private readonly SiloLoadTable _loads;
    private readonly Func<SiloAddress, ISiloAgentGrain> _agentOf;
    private readonly TimeSpan _timeout;
    private readonly ResiliencePipeline _releaseRetry;
    private readonly ILogger _logger;

    public HandOffCopies(IOptions<GridSiloOptions> options, ClusterView view, SiloLoadTable loads, IGrainFactory grains, ILogger<HandOffCopies> logger)
        : this(options, view, loads, silo => grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()), logger)
    {
    }

    /// <summary>Reaches other silos through <paramref name="agentOf"/> (tests).</summary>
    internal HandOffCopies(IOptions<GridSiloOptions> options, ClusterView view, SiloLoadTable loads, Func<SiloAddress, ISiloAgentGrain> agentOf, ILogger<HandOffCopies> logger)
    {
        _view = view;
        _loads = loads;
        _agentOf = agentOf;
        _timeout = options.Value.Replication.ShipTimeout;
        _logger = logger;
        _releaseRetry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // A holder that left took its copy with it; one still here is asked again, a few times.
                MaxRetryAttempts = 5,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null),
            })
            .Build();
    }

    /// <summary>
    /// The silo a stopping silo hands <paramref name="partition"/> to, as placement would choose it: the best-ranked other
    /// active silo with memory to spare, else the best-ranked other one; null when there is none.
    /// </summary>
    public SiloAddress? NextOwner(int partition)
    {
        var view = _view.Current;
        int chosen = _loads.BestWithRoom(view.Seeds, view.Silos, partition, excluded: _view.Local);
        return chosen < 0 ? null : view.Silos[chosen];
    }

    /// <summary>
    /// Parks <paramref name="snapshot"/> on <paramref name="target"/>, bounded by the replication ship timeout. False when
    /// it could not (the target refused because the partition is already live there, or did not answer): the migration
    /// is then the partition's only way there, and the reason is logged.
    /// </summary>
    public async Task<bool> LeaveAtAsync(SiloAddress target, int partition, StoreSnapshot snapshot)
    {
        try
        {
            if (await _agentOf(target).Park(partition, snapshot).WaitAsync(_timeout).ConfigureAwait(false))
            {
                return true;
            }

            LogAlreadyLive(_logger, partition, target);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotLeft(_logger, ex, partition, target);
        }

        return false;
    }

    /// <summary>
    /// Tells every other active silo in <paramref name="holders"/> to drop its parked copy of <paramref name="partition"/>
    /// (if not newer than <paramref name="version"/>): this silo's activation took the partition over. Runs in the
    /// background, retried a few times; a failure is logged.
    /// </summary>
    public void Release(int partition, long version, IReadOnlyCollection<SiloAddress> holders)
    {
        foreach (var holder in holders)
        {
            if (!holder.Equals(_view.Local) && _view.Current.Contains(holder))
            {
                _ = ReleaseAtAsync(holder, partition, version);
            }
        }
    }

    private async Task ReleaseAtAsync(SiloAddress holder, int partition, long version)
    {
        var frame = ReplicaFrame.Encode([new ReplicaItem { Kind = ReplicaItemKind.Drop, Partition = partition, Version = version }]);
        try
        {
            await _releaseRetry.ExecuteAsync(
                async (state, _) =>
                {
                    if (state.View.Current.Contains(state.Holder))
                    {
                        await state.Agent.Replicate(state.Frame).WaitAsync(state.Timeout).ConfigureAwait(false);
                    }
                },
                (View: _view, Holder: holder, Agent: _agentOf(holder), Frame: frame, Timeout: _timeout)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogNotReleased(_logger, ex, partition, holder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: {Target} refused its hand-off copy (the partition is already live there); only the migration carries its entries")]
    private static partial void LogAlreadyLive(ILogger logger, int partition, SiloAddress target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: could not leave a hand-off copy on {Target}; only the migration carries its entries")]
    private static partial void LogNotLeft(ILogger logger, Exception exception, int partition, SiloAddress target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: {Holder} was not told to drop its hand-off copy; it stays parked there, where a recovery after the partition's primary crashed could take it")]
    private static partial void LogNotReleased(ILogger logger, Exception exception, int partition, SiloAddress holder);
}
