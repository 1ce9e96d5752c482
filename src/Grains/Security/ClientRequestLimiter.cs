using Orleans.Runtime;

namespace Grid.Grains.Security;

/// <summary>
/// Bounds the requests each client runs at once on this silo (<see cref="GridLimits.MaxConcurrentRequestsPerClient"/>).
/// A client is one Orleans client connection, identified by the calling client's id on each message. Past the bound a
/// request waits in the client's own queue (at most <see cref="GridLimits.MaxQueuedRequestsPerClient"/> requests, each
/// at most <see cref="GridLimits.RequestQueueTimeout"/>), or fails with <see cref="GridBusyException"/>; slots are per
/// client, so one client's flood never delays another's requests.
/// </summary>
internal sealed class ClientRequestLimiter(GridLimits limits, string silo)
{
    private readonly GridLimits _limits = limits;
    private readonly Lock _gate = new();
    private readonly Dictionary<GrainId, Client> _clients = [];

    /// <summary>Clients with requests running or waiting (for tests and diagnostics).</summary>
    public int ActiveClients
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Takes a slot for <paramref name="client"/>, waiting when <paramref name="canWait"/>; throws <see cref="GridBusyException"/> when none can be had.</summary>
    public ValueTask EnterAsync(GrainId client, bool canWait)
    {
        LinkedListNode<TaskCompletionSource> waiter;
        lock (_gate)
        {
            if (!_clients.TryGetValue(client, out var state))
            {
                _clients[client] = state = new Client();
            }

            if (state.Running < _limits.MaxConcurrentRequestsPerClient)
            {
                state.Running++;
                return ValueTask.CompletedTask;
            }

            if (!canWait || _limits.RequestQueueTimeout == TimeSpan.Zero || state.Waiters.Count >= _limits.MaxQueuedRequestsPerClient)
            {
                throw Busy(state.Running, state.Waiters.Count);
            }

            waiter = state.Waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return WaitAsync(client, waiter);
    }

    /// <summary>Gives the slot back: to the client's longest waiting request, if any.</summary>
    public void Exit(GrainId client)
    {
        lock (_gate)
        {
            var state = _clients[client];
            if (state.Waiters.First is { } next)
            {
                // The slot passes on; Running stays.
                state.Waiters.RemoveFirst();
                next.Value.TrySetResult();
                return;
            }

            if (--state.Running == 0)
            {
                _clients.Remove(client);
            }
        }
    }

    private async ValueTask WaitAsync(GrainId client, LinkedListNode<TaskCompletionSource> waiter)
    {
        try
        {
            await waiter.Value.Task.WaitAsync(_limits.RequestQueueTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                var state = _clients[client];
                if (waiter.List is not null)
                {
                    state.Waiters.Remove(waiter);
                    throw Busy(state.Running, state.Waiters.Count);
                }
            }

            // Handed a slot just as the wait ended: keep it.
        }
    }

    private GridBusyException Busy(int running, int waiting) => new(
        $"Silo {silo} refused the request: this client already has {running} requests running there " +
        $"(Grid:Limits:MaxConcurrentRequestsPerClient = {_limits.MaxConcurrentRequestsPerClient}) and {waiting} waiting " +
        $"(MaxQueuedRequestsPerClient = {_limits.MaxQueuedRequestsPerClient}, RequestQueueTimeout = {_limits.RequestQueueTimeout}). Nothing of it ran.");

    private sealed class Client
    {
        public int Running;
        public readonly LinkedList<TaskCompletionSource> Waiters = new();
    }
}
