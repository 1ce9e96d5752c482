using Grid.Protocol;

namespace Grid.Client.Tests.Fakes;

/// <summary>
/// A silo's batch entry as an ordinary object: records every batch call, and answers it when the test says
/// (<see cref="EntryCall.Answer"/>), or at once when <see cref="AutoAnswer"/> is set.
/// </summary>
internal sealed class FakeSiloEntryGrain : ISiloEntryGrain
{
    private readonly Lock _gate = new();
    private readonly List<EntryCall> _calls = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>When set, every call is answered as it arrives with this result per operation.</summary>
    public Func<SentOp, GridResult>? AutoAnswer { get; set; }

    /// <summary>The calls received so far.</summary>
    public EntryCall[] Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The <paramref name="index"/>th call received (0-based).</summary>
    public EntryCall this[int index] => Calls[index];

    public Task<SiloBatchResult> Execute(byte[] requestFrame)
    {
        var call = EntryCall.Decode(requestFrame);
        List<TaskCompletionSource>? reached = null;
        lock (_gate)
        {
            _calls.Add(call);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= _calls.Count)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (reached is not null)
        {
            foreach (var waiter in reached)
            {
                waiter.SetResult();
            }
        }

        if (AutoAnswer is { } answer)
        {
            call.Answer(answer);
        }

        return call.Result;
    }

    /// <summary>Completes once <paramref name="count"/> calls were received (fails the test after <paramref name="timeout"/>).</summary>
    public async Task<EntryCall> WaitForCallAsync(int count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_calls.Count >= count)
            {
                return _calls[count - 1];
            }

            _waiters.Add((count, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The fake silo received {Calls.Length} batch call(s) within {timeout}; the test waited for {count}.");
        }

        return Calls[count - 1];
    }

    /// <summary>Answers <see cref="GetClusterInfo"/> when set (the fake otherwise only runs batches).</summary>
    public Func<Task<GridClusterInfo>>? ClusterInfo { get; set; }

    public Task<GridClusterInfo> GetClusterInfo() => ClusterInfo is { } answer ? answer() : throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridSiloStatistics> GetStatistics() => throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridHotKey[]> GetHotKeys(int top) => throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridSiloAnalytics> GetAnalytics() => throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridSiloStatistics> CollectGarbage() => throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridRebalanceStatus> GetRebalanceStatus() => throw new NotSupportedException("The fake silo entry only runs batches.");

    public Task<GridRebalanceSettings> ChangeRebalance(GridRebalanceChange change) => throw new NotSupportedException("The fake silo entry only runs batches.");
}
