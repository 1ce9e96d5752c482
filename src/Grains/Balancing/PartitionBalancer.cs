using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Balancing;

/// <summary>
/// Moves this silo's partitions to the silo the rendezvous hash gives them, entries included, after membership changes
/// settle. Every silo balances only what it holds, so there is no coordinator; since clients route by the same
/// function, a moved partition lands where clients already send its operations. At most
/// <see cref="GridBalancingOptions.MaxConcurrentMoves"/> partitions are in flight at once, and a move to a silo above
/// its memory high watermark waits until it is below (the partition stays where it is meanwhile). The settings in
/// force (<see cref="RebalanceSteering"/>) can pause moves, change how many run at once and limit the bytes per second
/// while a pass runs; its progress is kept in <see cref="RebalanceProgress"/>.
/// </summary>
internal sealed partial class PartitionBalancer(
    IOptions<GridSiloOptions> options,
    ClusterView view,
    PartitionStoreRegistry registry,
    SiloLoadTable loads,
    RebalanceSteering steering,
    RebalanceProgress progress,
    MoveGate gate,
    IGrainFactory grains,
    ILogger<PartitionBalancer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan MoveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    private readonly GridBalancingOptions _options = options.Value.Balancing;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private Task _loop = Task.CompletedTask;
    private long _changeCount;

    /// <summary>Partitions this silo moved away since it started.</summary>
    public long Moved => progress.TotalPartitionsMoved;

    /// <summary>Moves in flight now.</summary>
    public int InFlight => gate.InFlight;

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (_options.Enabled)
        {
            lifecycle.Subscribe(nameof(PartitionBalancer), ServiceLifecycleStage.Active, OnStart, OnStop);
        }
    }

    private Task OnStart(CancellationToken cancellationToken)
    {
        progress.SetPaused(steering.Current.Paused);
        steering.Subscribe(() =>
        {
            var settings = steering.Current;
            progress.SetPaused(settings.Paused);
            LogSettings(logger, settings.Version, settings.Paused, settings.MaxConcurrentMoves, settings.BytesPerSecond, settings.ChangedBy);
        });
        view.Subscribe(() =>
        {
            Interlocked.Increment(ref _changeCount);
            _changed.Release();
        });
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            // Wake on a membership change, or now and then to retry moves that were held back.
            try
            {
                await _changed.WaitAsync(RecheckInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }

            // Settle: wait until membership stayed unchanged for SettleDelay.
            long seen;
            do
            {
                seen = Interlocked.Read(ref _changeCount);
                await Task.Delay(_options.SettleDelay, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            while (!token.IsCancellationRequested && seen != Interlocked.Read(ref _changeCount));

            while (_changed.CurrentCount > 0 && _changed.Wait(0, CancellationToken.None))
            {
            }

            try
            {
                await BalanceAsync(seen, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                LogBalanceFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// One pass: moves every partition held here whose owner is another, not full, silo, as the settings in force allow
    /// (paused: it waits; the concurrency and the byte rate are read before each move). Stops early when membership
    /// changes again.
    /// </summary>
    internal async Task<int> BalanceAsync(long changeCount, CancellationToken token)
    {
        var snapshot = view.Current;
        var local = view.Local;
        var moves = new List<(int Partition, SiloAddress Target)>();
        long bytes = 0;
        foreach (var store in registry.All)
        {
            if (snapshot.Owner(store.Partition) is { } owner && !owner.Equals(local) && !loads.IsFull(owner))
            {
                moves.Add((store.Partition, owner));
                bytes += store.Bytes;
            }
        }

        if (moves.Count == 0)
        {
            progress.NothingToMove();
            return 0;
        }

        progress.BeginPass(moves.Count, bytes);
        LogBalancing(logger, moves.Count, snapshot.Silos.Length);
        int moved = 0;
        var running = new List<Task<bool>>(moves.Count);
        try
        {
            foreach (var (partition, target) in moves)
            {
                if (!await gate.EnterAsync(() => Interlocked.Read(ref _changeCount) != changeCount, token).ConfigureAwait(false))
                {
                    break;
                }

                running.Add(MoveAsync(partition, target, token));
            }
        }
        finally
        {
            // Failed moves were logged; the next pass retries them.
            await ((Task)Task.WhenAll(running)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var task in running)
            {
                moved += task.IsCompletedSuccessfully && task.Result ? 1 : 0;
            }

            progress.EndPass();
        }

        LogBalanced(logger, moved, moves.Count);
        return moved;
    }

    /// <summary>Moves one partition (its slot of the gate already taken); true when it arrived on another silo.</summary>
    private async Task<bool> MoveAsync(int partition, SiloAddress target, CancellationToken token)
    {
        progress.MoveStarted();
        bool moved = false;
        long bytes = 0;
        try
        {
            var store = registry.TryGet(partition);
            if (store is null)
            {
                return false;
            }

            // Charged before the move, by the partition's bytes now, so the rate holds over the moves as they start.
            bytes = store.Bytes;
            await steering.Throttle.TakeAsync(bytes, token).ConfigureAwait(false);
            var control = grains.GetGrain<IPartitionControlGrain>(partition);
            if (!await control.MoveTo(target).ConfigureAwait(false))
            {
                return false;
            }

            // The slot stays taken until the partition serves on its new silo (this call queues behind the migration), so
            // the concurrent moves setting bounds the partitions in flight.
            var arrived = await control.GetLocation().WaitAsync(MoveTimeout, CancellationToken.None).ConfigureAwait(false);
            moved = !arrived.Equals(view.Local);
            return moved;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogMoveFailed(logger, ex, partition, target);
            throw;
        }
        finally
        {
            progress.MoveEnded(moved, bytes);
            gate.Exit();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Balancing: moving {Count} partition(s) to their owners among {SiloCount} silo(s)")]
    private static partial void LogBalancing(ILogger logger, int count, int siloCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Balancing: moved {Moved} of {Count} partition(s)")]
    private static partial void LogBalanced(ILogger logger, int moved, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Balancing: moving partition {Partition} to {Target} failed")]
    private static partial void LogMoveFailed(ILogger logger, Exception error, int partition, SiloAddress target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Balancing settings version {Version}: paused {Paused}, {Moves} concurrent move(s), {BytesPerSecond} bytes/s (0: no limit), changed by {ChangedBy}")]
    private static partial void LogSettings(ILogger logger, long version, bool paused, int moves, long bytesPerSecond, string changedBy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Balancing pass failed; retrying after the next change or recheck")]
    private static partial void LogBalanceFailed(ILogger logger, Exception error);
}
