using Grid.Client.Routing;

namespace Grid.Client.Tests.Fakes;

/// <summary>
/// A caller whose continuation keeps the delivering thread busy (running, never waiting) until released: a slow
/// continuation, or a thread the machine does not schedule, as opposed to a <see cref="BlockingCaller"/>.
/// </summary>
internal sealed class BusyCaller : IDisposable
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _released;

    public BusyCaller(PendingOp op) =>
        Finished = op.Task.ContinueWith(
            _ =>
            {
                _entered.SetResult();
                while (!_released)
                {
                    Thread.SpinWait(20);
                }
            },
            TaskContinuationOptions.ExecuteSynchronously);

    /// <summary>Completes once the continuation runs (and spins).</summary>
    public Task Entered => _entered.Task;

    /// <summary>Completes once the continuation returned.</summary>
    public Task Finished { get; }

    /// <summary>Lets the continuation return.</summary>
    public void Release() => _released = true;

    public void Dispose() => _released = true;
}
