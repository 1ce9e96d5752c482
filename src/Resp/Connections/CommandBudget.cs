namespace Grid.Resp.Connections;

/// <summary>
/// How many command arguments (a bound on the grid ops they make: each op takes at least one) all of the endpoint's
/// connections may have in the grid at once. A connection takes its round's count before running it and gives it back
/// after, waiting (first come, first served) while the budget is spent, so clients that pipeline faster than the grid
/// answers are slowed down instead of refused or buffered without bound: the grid client behind the endpoint lets
/// 65,536 writes be outstanding (past that, writes wait for room, and a single
/// command of more writes is refused with <c>GridBusyException</c>), and before 2026-12-05 it refused them all, so a mass
/// insert over many connections lost writes to it.
/// </summary>
internal sealed class CommandBudget(int capacity)
{
    private readonly int _capacity = capacity;
    private readonly Lock _gate = new();
    private readonly Queue<(int Count, TaskCompletionSource Ready)> _waiting = new();
    private int _available = capacity;

    /// <summary>Takes <paramref name="count"/> (at most the whole budget) once it is free, after every earlier waiter.</summary>
    public ValueTask AcquireAsync(int count)
    {
        count = Math.Min(count, _capacity);
        lock (_gate)
        {
            if (_waiting.Count == 0 && _available >= count)
            {
                _available -= count;
                return ValueTask.CompletedTask;
            }

            // Continuations run on the pool, not inside Release's caller (a connection finishing its round).
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((count, ready));
            return new ValueTask(ready.Task);
        }
    }

    /// <summary>Gives back what <see cref="AcquireAsync"/> took, and lets the waiters in order while it covers them.</summary>
    public void Release(int count)
    {
        count = Math.Min(count, _capacity);
        List<TaskCompletionSource>? admitted = null;
        lock (_gate)
        {
            _available += count;
            while (_waiting.TryPeek(out var next) && next.Count <= _available)
            {
                _waiting.Dequeue();
                _available -= next.Count;
                (admitted ??= []).Add(next.Ready);
            }
        }

        if (admitted is not null)
        {
            foreach (var ready in admitted)
            {
                ready.SetResult();
            }
        }
    }
}
