using Grid.Protocol;

namespace Grid.Client.Routing;

/// <summary>
/// A data-plane lane's view of its silo entry: batches go to the silo's direct entry service at the silo's own
/// gateway while <see cref="DirectRoute"/> allows it, else to the entry activation (through whichever gateway the
/// client's Orleans runtime picked for it); everything else goes to the entry activation.
/// <para>
/// A lane may have two batches out, and a silo runs one lane's batches in the order they arrive. Two paths could
/// reorder them, so the lane turns to the direct path only when none of its batches is out through the entry
/// activation. It turns back at once when a direct call is refused unrun (the refused batch is sent again, as any
/// refused batch is, and may then pass a later one still out, as after any refusal).
/// </para>
/// </summary>
internal sealed class DirectSiloEntry(ISiloEntryGrain grain, ISiloDirectEntry direct, int shard, DirectRoute route) : ISiloEntryGrain
{
    private int _grainCallsOut;

    public Task<SiloBatchResult> Execute(byte[] requestFrame)
    {
        long now = Environment.TickCount64;
        if (route.IsUsable(now) && Volatile.Read(ref _grainCallsOut) == 0)
        {
            var call = direct.Execute(requestFrame, shard);
            return call.IsCompletedSuccessfully ? call : WatchDirect(call);
        }

        Interlocked.Increment(ref _grainCallsOut);
        var viaGrain = grain.Execute(requestFrame);
        if (viaGrain.IsCompleted)
        {
            Interlocked.Decrement(ref _grainCallsOut);
            return viaGrain;
        }

        return WatchGrain(viaGrain);
    }

    // No ConfigureAwait: this is client code (no synchronization context), and Orleans' analyzer reads any implementation
    // of a grain interface as grain code.
    private async Task<SiloBatchResult> WatchDirect(Task<SiloBatchResult> call)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (CallFailures.ProvesNotRun(ex))
        {
            route.Failed(Environment.TickCount64);
            throw;
        }
    }

    private async Task<SiloBatchResult> WatchGrain(Task<SiloBatchResult> call)
    {
        try
        {
            return await call;
        }
        finally
        {
            Interlocked.Decrement(ref _grainCallsOut);
        }
    }

    public Task<GridClusterInfo> GetClusterInfo() => grain.GetClusterInfo();

    public Task<GridSiloStatistics> GetStatistics() => grain.GetStatistics();

    public Task<GridHotKey[]> GetHotKeys(int top) => grain.GetHotKeys(top);

    public Task<GridSiloAnalytics> GetAnalytics() => grain.GetAnalytics();

    public Task<GridSiloStatistics> CollectGarbage() => grain.CollectGarbage();

    public Task<GridRebalanceStatus> GetRebalanceStatus() => grain.GetRebalanceStatus();

    public Task<GridRebalanceSettings> ChangeRebalance(GridRebalanceChange change) => grain.ChangeRebalance(change);
}
