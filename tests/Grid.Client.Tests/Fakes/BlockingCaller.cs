using Grid.Client.Routing;

namespace Grid.Client.Tests.Fakes;

/// <summary>
/// A sync-over-async caller of an op: its continuation asks to run synchronously (so it runs wherever the op completes)
/// and blocks that thread until <see cref="Release"/>, as code that blocks on the grid right after an await does.
/// </summary>
internal sealed class BlockingCaller : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BlockingCaller(PendingOp op) =>
        Finished = op.Task.ContinueWith(_ => { Thread = System.Threading.Thread.CurrentThread; _entered.SetResult(); _release.Wait(); }, TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>The thread the continuation blocks (the batch's delivering thread), once it runs.</summary>
    public Thread? Thread { get; private set; }

    /// <summary>Completes once the continuation runs (and blocks).</summary>
    public Task Entered => _entered.Task;

    /// <summary>Completes once the continuation returned.</summary>
    public Task Finished { get; }

    /// <summary>Lets the continuation return.</summary>
    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }
}
