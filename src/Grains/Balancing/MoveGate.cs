namespace Grid.Grains.Balancing;

/// <summary>
/// Admits the balancer's moves one at a time under the settings in force now: none while paused, at most
/// <see cref="GridRebalanceSettings.MaxConcurrentMoves"/> in flight. Both can change while moves wait (the steering
/// wakes the gate), so a pause takes effect before the next move and a higher limit lets more through at once.
/// </summary>
internal sealed class MoveGate
{
    // A waiter also wakes this often to ask whether its pass was abandoned (membership changed, silo stopping).
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly RebalanceSteering _steering;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;

    public MoveGate(RebalanceSteering steering)
    {
        _steering = steering;
        steering.Subscribe(Wake);
    }

    /// <summary>Moves admitted and not yet ended.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>
    /// Waits until a move may start and counts it in flight (true), or returns false, admitting nothing, once
    /// <paramref name="abandon"/> says the pass is over.
    /// </summary>
    public async Task<bool> EnterAsync(Func<bool> abandon, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (abandon())
                {
                    return false;
                }

                var settings = _steering.Current;
                if (!settings.Paused && _inFlight < settings.MaxConcurrentMoves)
                {
                    _inFlight++;
                    return true;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(Recheck, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>An admitted move ended.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
        }

        Wake();
    }

    /// <summary>Wakes the waiters to look at the settings again.</summary>
    public void Wake()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
