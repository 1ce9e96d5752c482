namespace Grid.Grains.Silo;

/// <summary>
/// Which numbered batches (<see cref="Grid.Protocol.Wire.BatchOrder"/>) of each client ran on one silo entry activation:
/// the last <see cref="RecentPerClient"/> per client, so a batch that must follow another learns whether it did, and can
/// wait a little for it (<see cref="WaitForAsync"/>: Orleans delivers two calls under way to one activation in either
/// order, about half the time the later first). Used only in the activation's turns (no lock). What it forgot (an old batch, a client beyond <see cref="MaxClients"/>, a new
/// activation) reads as "not run": the later batch is then refused and sent again by its client once the earlier one
/// answered, never run out of order.
/// </summary>
internal sealed class BatchOrderLog
{
    /// <summary>Batches remembered per client: more than a client ever has out to one entry at once.</summary>
    internal const int RecentPerClient = 16;

    /// <summary>Clients remembered; past it the log starts again empty (each client then has one batch refused at most).</summary>
    internal const int MaxClients = 16_384;

    private readonly Dictionary<ulong, Recent> _clients = [];
    private readonly TimeProvider _time;

    // Batches that arrived before the batch they follow, waiting for it to run here: by that batch's client and number.
    private readonly Dictionary<(ulong Client, long Batch), TaskCompletionSource> _waiters = [];

    /// <summary>Creates an empty log; <paramref name="time"/> times the waits (the system clock when null).</summary>
    public BatchOrderLog(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Clients remembered now.</summary>
    public int Clients => _clients.Count;

    /// <summary>True when batch <paramref name="batch"/> of <paramref name="client"/> ran here and is still remembered.</summary>
    public bool HasRun(ulong client, long batch) =>
        batch != 0 && _clients.TryGetValue(client, out var recent) && Array.IndexOf(recent.Batches, batch) >= 0;

    /// <summary>Notes that batch <paramref name="batch"/> of <paramref name="client"/> ran here (all of it, on this silo's stores).</summary>
    public void Ran(ulong client, long batch)
    {
        if (!_clients.TryGetValue(client, out var recent))
        {
            if (_clients.Count >= MaxClients)
            {
                _clients.Clear();
            }

            _clients[client] = recent = new Recent();
        }

        recent.Batches[recent.Next] = batch;
        recent.Next = (recent.Next + 1) % RecentPerClient;
        if (_waiters.Count != 0 && _waiters.Remove((client, batch), out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for batch <paramref name="batch"/> of <paramref name="client"/> to run here
    /// (<see cref="Ran"/>); true when it did. In an activation's turns, the continuation comes back as a turn of its own.
    /// </summary>
    public async Task<bool> WaitForAsync(ulong client, long batch, TimeSpan timeout)
    {
        if (HasRun(client, batch))
        {
            return true;
        }

        var key = (client, batch);
        if (!_waiters.TryGetValue(key, out var ran))
        {
            _waiters[key] = ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            await ran.Task.WaitAsync(timeout, _time);
            return true;
        }
        catch (TimeoutException)
        {
            if (_waiters.TryGetValue(key, out var current) && ReferenceEquals(current, ran))
            {
                _waiters.Remove(key);
            }

            return false;
        }
    }

    /// <summary>Batches waiting for the batch they follow.</summary>
    public int Waiting => _waiters.Count;

    /// <summary>One client's last batches that ran, as a ring.</summary>
    private sealed class Recent
    {
        public readonly long[] Batches = new long[RecentPerClient];
        public int Next;
    }
}
