namespace Grid.Grains.Storage;

/// <summary>
/// What one partition answered to the writes that carried a request id, so a write sent again (its first call was
/// abandoned, or went to a silo that died) is answered the same way instead of applied twice. Kept per client until the
/// client says the request completed (<c>completedBelow</c> in its frames) or, for clients that went away, for
/// <see cref="Retention"/>. Travels with the partition (snapshots) and to its replica, so a retry after a migration or a
/// failover is recognised too. Not thread-safe: the store's lock guards it.
/// </summary>
internal sealed class RequestLog
{
    /// <summary>How long a client's answers are kept when it sends nothing more (clients stop resending a write well before).</summary>
    public static readonly long Retention = (long)TimeSpan.FromMinutes(2).TotalMilliseconds;

    private static readonly long PrunePeriod = (long)TimeSpan.FromSeconds(10).TotalMilliseconds;

    private readonly Dictionary<ulong, ClientRequests> _clients = [];
    private long _lastPrune;

    /// <summary>Answers kept.</summary>
    public int Count { get; private set; }

    /// <summary>Clients known.</summary>
    public int Clients => _clients.Count;

    /// <summary>
    /// How a request with this id is to be handled: run it (<see cref="RequestVerdict.Fresh"/>), answer it again
    /// (<see cref="RequestVerdict.Replay"/>, with <paramref name="answer"/>), or refuse it: the client already completed
    /// it, so this is a late copy of a call it abandoned (<see cref="RequestVerdict.Completed"/>).
    /// </summary>
    public RequestVerdict Check(ulong client, long requestId, long completedBelow, long nowMs, out byte[] answer)
    {
        answer = null!;
        if (!_clients.TryGetValue(client, out var requests))
        {
            return requestId < completedBelow ? RequestVerdict.Completed : RequestVerdict.Fresh;
        }

        requests.LastSeenMs = nowMs;
        Forget(requests, completedBelow);
        if (requestId < requests.CompletedBelow)
        {
            return RequestVerdict.Completed;
        }

        foreach (var entry in requests.Entries)
        {
            if (entry.Id == requestId)
            {
                answer = entry.Answer;
                return RequestVerdict.Replay;
            }
        }

        return RequestVerdict.Fresh;
    }

    /// <summary>Keeps the answer to a request just run (or applied from the primary, on a replica).</summary>
    public void Record(ulong client, long requestId, long completedBelow, byte[] answer, long nowMs)
    {
        if (!_clients.TryGetValue(client, out var requests))
        {
            _clients[client] = requests = new ClientRequests();
        }

        requests.LastSeenMs = nowMs;
        Forget(requests, completedBelow);
        if (requestId >= requests.CompletedBelow)
        {
            requests.Entries.Add(new Entry(requestId, answer));
            Count++;
        }

        if (nowMs - _lastPrune >= PrunePeriod)
        {
            _lastPrune = nowMs;
            PruneIdle(nowMs - Retention);
        }
    }

    /// <summary>Forgets clients that sent nothing since <paramref name="cutoffMs"/>.</summary>
    public void PruneIdle(long cutoffMs)
    {
        List<ulong>? idle = null;
        foreach (var (client, requests) in _clients)
        {
            if (requests.LastSeenMs < cutoffMs)
            {
                (idle ??= []).Add(client);
            }
        }

        if (idle is null)
        {
            return;
        }

        foreach (var client in idle)
        {
            Count -= _clients[client].Entries.Count;
            _clients.Remove(client);
        }
    }

    /// <summary>A copy of everything kept, with ages instead of times (silos' clocks differ).</summary>
    public RequestLogSnapshot[] Snapshot(long nowMs)
    {
        var snapshot = new RequestLogSnapshot[_clients.Count];
        int i = 0;
        foreach (var (client, requests) in _clients)
        {
            var ids = new long[requests.Entries.Count];
            var answers = new byte[ids.Length][];
            for (int j = 0; j < ids.Length; j++)
            {
                ids[j] = requests.Entries[j].Id;
                answers[j] = requests.Entries[j].Answer;
            }

            snapshot[i++] = new RequestLogSnapshot
            {
                Client = client,
                CompletedBelow = requests.CompletedBelow,
                IdleMs = Math.Max(0, nowMs - requests.LastSeenMs),
                Ids = ids,
                Answers = answers,
            };
        }

        return snapshot;
    }

    /// <summary>Adds what a snapshot kept (a partition arriving, or a replica seeded or promoted).</summary>
    public void Restore(RequestLogSnapshot[] snapshot, long nowMs)
    {
        foreach (var client in snapshot)
        {
            if (!_clients.TryGetValue(client.Client, out var requests))
            {
                _clients[client.Client] = requests = new ClientRequests();
            }

            requests.LastSeenMs = Math.Max(requests.LastSeenMs, nowMs - client.IdleMs);
            Forget(requests, client.CompletedBelow);
            for (int j = 0; j < client.Ids.Length; j++)
            {
                if (client.Ids[j] >= requests.CompletedBelow && !Contains(requests, client.Ids[j]))
                {
                    requests.Entries.Add(new Entry(client.Ids[j], client.Answers[j]));
                    Count++;
                }
            }
        }
    }

    private static bool Contains(ClientRequests requests, long id)
    {
        foreach (var entry in requests.Entries)
        {
            if (entry.Id == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops the answers of requests the client completed.</summary>
    private void Forget(ClientRequests requests, long completedBelow)
    {
        if (completedBelow <= requests.CompletedBelow)
        {
            return;
        }

        requests.CompletedBelow = completedBelow;

        // In place, without a predicate: this runs on most identified writes, and a capturing lambda is an allocation.
        var entries = requests.Entries;
        int kept = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i].Id >= completedBelow)
            {
                entries[kept++] = entries[i];
            }
        }

        int removed = entries.Count - kept;
        entries.RemoveRange(kept, removed);
        Count -= removed;
    }

    private sealed class ClientRequests
    {
        public long CompletedBelow;
        public long LastSeenMs;
        public readonly List<Entry> Entries = new(2);
    }

    private readonly record struct Entry(long Id, byte[] Answer);
}

/// <summary>How <see cref="RequestLog.Check"/> says to handle a request.</summary>
internal enum RequestVerdict : byte
{
    /// <summary>Not seen before: run it.</summary>
    Fresh,

    /// <summary>Run before: answer what was answered then, change nothing.</summary>
    Replay,

    /// <summary>The client completed it already: a late copy of an abandoned call; run nothing.</summary>
    Completed,
}

/// <summary>One client's kept answers, as they travel with a partition.</summary>
[GenerateSerializer, Alias("grid.RequestLogSnapshot")]
internal sealed class RequestLogSnapshot
{
    [Id(0)] public ulong Client { get; set; }

    [Id(1)] public long CompletedBelow { get; set; }

    /// <summary>How long ago the client was last heard of.</summary>
    [Id(2)] public long IdleMs { get; set; }

    [Id(3)] public long[] Ids { get; set; } = [];

    /// <summary>The encoded results, parallel to <see cref="Ids"/>.</summary>
    [Id(4)] public byte[][] Answers { get; set; } = [];
}
