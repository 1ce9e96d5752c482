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
    private ClientRequests? _recent;
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
        var requests = Find(client);
        if (requests is null)
        {
            return requestId < completedBelow ? RequestVerdict.Completed : RequestVerdict.Fresh;
        }

        requests.LastSeenMs = nowMs;
        Forget(requests, completedBelow);
        if (requestId < requests.CompletedBelow)
        {
            return RequestVerdict.Completed;
        }

        int index = requests.IndexOf(requestId);
        if (index >= 0)
        {
            answer = requests.Entries[index].Answer;
            return RequestVerdict.Replay;
        }

        return RequestVerdict.Fresh;
    }

    /// <summary>Keeps the answer to a request just run (or applied from the primary, on a replica).</summary>
    public void Record(ulong client, long requestId, long completedBelow, byte[] answer, long nowMs)
    {
        var requests = FindOrAdd(client);
        requests.LastSeenMs = nowMs;
        Forget(requests, completedBelow);
        if (requestId >= requests.CompletedBelow)
        {
            requests.Add(requestId, answer);
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
            Count -= _clients[client].Count;
            _clients.Remove(client);
            if (_recent?.Client == client)
            {
                _recent = null;
            }
        }
    }

    /// <summary>A copy of everything kept, with ages instead of times (silos' clocks differ).</summary>
    public RequestLogSnapshot[] Snapshot(long nowMs)
    {
        var snapshot = new RequestLogSnapshot[_clients.Count];
        int i = 0;
        foreach (var (client, requests) in _clients)
        {
            var ids = new long[requests.Count];
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
            var requests = FindOrAdd(client.Client);
            requests.LastSeenMs = Math.Max(requests.LastSeenMs, nowMs - client.IdleMs);
            Forget(requests, client.CompletedBelow);
            for (int j = 0; j < client.Ids.Length; j++)
            {
                if (client.Ids[j] >= requests.CompletedBelow && requests.IndexOf(client.Ids[j]) < 0)
                {
                    requests.Add(client.Ids[j], client.Answers[j]);
                    Count++;
                }
            }
        }
    }

    /// <summary>
    /// The client's answers, if any. Most writes to a partition come from the client that wrote it last, so that one is
    /// checked first: a write then reaches its answers with one comparison instead of a dictionary lookup's chain of
    /// cold loads (this runs on every identified write).
    /// </summary>
    private ClientRequests? Find(ulong client)
    {
        var recent = _recent;
        if (recent is not null && recent.Client == client)
        {
            return recent;
        }

        if (_clients.TryGetValue(client, out recent))
        {
            _recent = recent;
        }

        return recent;
    }

    private ClientRequests FindOrAdd(ulong client)
    {
        var requests = Find(client);
        if (requests is null)
        {
            _clients[client] = requests = new ClientRequests(client);
            _recent = requests;
        }

        return requests;
    }

    /// <summary>Drops the answers of requests the client completed.</summary>
    private void Forget(ClientRequests requests, long completedBelow)
    {
        if (completedBelow <= requests.CompletedBelow)
        {
            return;
        }

        requests.CompletedBelow = completedBelow;

        // In place: this runs on most identified writes.
        var entries = requests.Entries;
        int count = requests.Count;
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (entries[i].Id >= completedBelow)
            {
                entries[kept++] = entries[i];
            }
        }

        // Cleared, so the answers dropped are not kept alive by the array.
        entries.AsSpan(kept, count - kept).Clear();
        requests.Count = kept;
        Count -= count - kept;
    }

    /// <summary>One client's answers: an array of its own, not a list, so a check walks one array.</summary>
    private sealed class ClientRequests(ulong client)
    {
        public readonly ulong Client = client;
        public long CompletedBelow;
        public long LastSeenMs;
        public Entry[] Entries = new Entry[2];
        public int Count;

        public int IndexOf(long id)
        {
            var entries = Entries;
            for (int i = 0; i < Count; i++)
            {
                if (entries[i].Id == id)
                {
                    return i;
                }
            }

            return -1;
        }

        public void Add(long id, byte[] answer)
        {
            if (Count == Entries.Length)
            {
                Array.Resize(ref Entries, Count * 2);
            }

            Entries[Count++] = new Entry(id, answer);
        }
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
