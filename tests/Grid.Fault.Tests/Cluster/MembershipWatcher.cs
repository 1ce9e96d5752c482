using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Grid.Fault.Tests.Cluster;

/// <summary>
/// Reads the silos' Orleans membership table in Redis (hash <c>grid/members/grid</c>: one JSON entry per silo with its
/// address and status) every <see cref="FaultTimings.MembershipPoll"/>, and remembers when each silo port was first
/// seen in each status: how long the cluster took to declare a faulted silo dead, and which silos are active.
/// </summary>
internal sealed class MembershipWatcher : IAsyncDisposable
{
    /// <summary>Orleans' <c>SiloStatus</c> values in the table.</summary>
    public const int Active = 3;
    public const int Dead = 6;

    private const string TableKey = "grid/members/grid";

    private readonly ConnectionMultiplexer _redis;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(int Port, int Status), long> _firstSeen = [];
    private readonly Dictionary<int, int> _current = [];
    private readonly Task _polling;
    private string? _lastError;

    private MembershipWatcher(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _polling = Task.Run(PollAsync);
    }

    public static async Task<MembershipWatcher> StartAsync(string redis) =>
        new(await ConnectionMultiplexer.ConnectAsync(redis + ",abortConnect=false"));

    /// <summary>When the silo on <paramref name="siloPort"/> was first seen in <paramref name="status"/> (Stopwatch), or null.</summary>
    public long? FirstSeen(int siloPort, int status)
    {
        lock (_gate)
        {
            return _firstSeen.TryGetValue((siloPort, status), out long at) ? at : null;
        }
    }

    /// <summary>Silo ports whose latest status is <see cref="Active"/>.</summary>
    public IReadOnlySet<int> ActivePorts()
    {
        lock (_gate)
        {
            var active = new HashSet<int>();
            foreach (var (port, status) in _current)
            {
                if (status == Active)
                {
                    active.Add(port);
                }
            }

            return active;
        }
    }

    /// <summary>The last error reading the table, if any (the watcher keeps polling).</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var entries = await _redis.GetDatabase().HashGetAllAsync(TableKey);
                long now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    foreach (var entry in entries)
                    {
                        if (Parse(entry.Value.ToString()) is { } silo)
                        {
                            _current[silo.Port] = silo.Status;
                            _firstSeen.TryAdd((silo.Port, silo.Status), now);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                lock (_gate)
                {
                    _lastError = ex.Message;
                }
            }

            try
            {
                await Task.Delay(FaultTimings.MembershipPoll, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The port and status of a table entry; null for the table's version field.</summary>
    internal static (int Port, int Status)? Parse(string json)
    {
        if (!json.StartsWith('{'))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // "SiloAddress":{"SiloAddress":"127.0.0.1:21111@155325994"}
        string address = root.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString() ?? "";
        int colon = address.LastIndexOf(':');
        int at = address.IndexOf('@', StringComparison.Ordinal);
        if (colon < 0 || at < colon)
        {
            throw new FormatException($"Unexpected silo address '{address}' in the membership table.");
        }

        return (int.Parse(address.AsSpan(colon + 1, at - colon - 1), CultureInfo.InvariantCulture), root.GetProperty("Status").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        await _redis.DisposeAsync();
        _stop.Dispose();
    }
}
