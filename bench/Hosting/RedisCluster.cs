using System.Globalization;
using StackExchange.Redis;

namespace Grid.Bench.Hosting;

/// <summary>
/// A Redis Cluster on loopback: 3 masters and 3 replicas (redis-server in cluster mode, no persistence), joined with
/// <c>redis-cli --cluster create … --cluster-replicas 1</c>, and one StackExchange.Redis connection that knows every
/// node (cluster mode: each key goes to the master of its hash slot). Every process is a supervised
/// <see cref="ChildProcess"/>, so the orphan reaper and Ctrl+C handling cover them like the other servers.
/// </summary>
internal sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>Masters; each gets one replica.</summary>
    public const int Masters = 3;

    /// <summary>redis-server processes: masters and replicas.</summary>
    public const int Nodes = Masters * 2;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly List<ChildProcess> _nodes;
    private readonly string _directory;

    private RedisCluster(List<ChildProcess> nodes, int[] ports, string directory, ConnectionMultiplexer connection)
    {
        _nodes = nodes;
        _directory = directory;
        Ports = ports;
        Connection = connection;
        var pids = new int[nodes.Count];
        for (int i = 0; i < pids.Length; i++)
        {
            pids[i] = nodes[i].Id;
        }

        ProcessIds = pids;
    }

    /// <summary>The nodes' client ports.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>Every node's pid (masters and replicas: a replica's work to follow its master counts as server CPU, like the grid's replication).</summary>
    public IReadOnlyList<int> ProcessIds { get; }

    /// <summary>One multiplexed connection to all nodes (StackExchange.Redis routes each key to its slot's master).</summary>
    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    /// <summary>Starts the nodes, creates the cluster and waits until every node says <c>cluster_state:ok</c>.</summary>
    /// <param name="supervisor">Tracks the processes.</param>
    /// <param name="name">Prefix of process and log names.</param>
    /// <param name="logDirectory">Where each node's output goes.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="cores">Run each node under <c>taskset</c> on this many cores (<see cref="CoreLimit"/>); null = no limit.</param>
    public static async Task<RedisCluster> StartAsync(ProcessSupervisor supervisor, string name, string logDirectory, CancellationToken cancellationToken, int? cores = null)
    {
        string redisServer = ExecutableLocator.Require("redis-server", "redis-server");
        string redisCli = ExecutableLocator.Require("redis-cli", "redis-tools");

        // Client ports and cluster-bus ports both explicit: the default bus port (port + 10000) may be taken or above 65535.
        var ports = FreePorts.Take(Nodes * 2);
        var clientPorts = ports[..Nodes];
        string directory = Directory.CreateTempSubdirectory("grid-bench-cluster-").FullName;
        var nodes = new List<ChildProcess>(Nodes);
        try
        {
            for (int i = 0; i < Nodes; i++)
            {
                string port = clientPorts[i].ToString(CultureInfo.InvariantCulture);
                string[] arguments =
                [
                    "--port", port,
                    "--cluster-port", ports[Nodes + i].ToString(CultureInfo.InvariantCulture),
                    "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", Path.Combine(directory, $"nodes-{port}.conf"),
                    "--appendonly", "no",
                    "--save", "",
                    "--daemonize", "no",
                    "--protected-mode", "yes",
                    "--logfile", "",
                    "--dir", directory,
                ];
                var (fileName, commandArguments) = CoreLimit.Wrap(redisServer, arguments, cores);
                string nodeName = $"{name}-{i}";
                nodes.Add(ChildProcess.Start(supervisor, nodeName, fileName, commandArguments, Path.Combine(logDirectory, nodeName + ".log"), readyText: "Ready to accept connections"));
            }

            var ready = new Task[nodes.Count];
            for (int i = 0; i < ready.Length; i++)
            {
                ready[i] = nodes[i].WaitReadyAsync(ReadyTimeout, cancellationToken);
            }

            await Task.WhenAll(ready);
            await CreateAsync(supervisor, redisCli, name, clientPorts, logDirectory, cancellationToken);
            await WaitForStateOkAsync(clientPorts, cancellationToken);
            var connection = await ConnectionMultiplexer.ConnectAsync(Options(clientPorts, name));
            return new RedisCluster(nodes, clientPorts, directory, connection);
        }
        catch
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Summed INFO counters over every node (masters answer the gets; replicas count nothing unless read from).</summary>
    public async Task<(long Hits, long Misses)> KeyspaceCountersAsync()
    {
        long hits = 0;
        long misses = 0;
        foreach (var server in Connection.GetServers())
        {
            foreach (var group in await server.InfoAsync("stats"))
            {
                foreach (var (key, value) in group)
                {
                    if (key == "keyspace_hits")
                    {
                        hits += long.Parse(value, CultureInfo.InvariantCulture);
                    }
                    else if (key == "keyspace_misses")
                    {
                        misses += long.Parse(value, CultureInfo.InvariantCulture);
                    }
                }
            }
        }

        return (hits, misses);
    }

    /// <summary>FLUSHALL on every master (replicas follow; they refuse writes themselves).</summary>
    public async Task FlushAsync()
    {
        foreach (var server in Connection.GetServers())
        {
            if (!server.IsReplica)
            {
                await server.FlushAllDatabasesAsync();
            }
        }
    }

    /// <summary>Nodes that have died, by name.</summary>
    public IReadOnlyList<string> Exited()
    {
        var gone = new List<string>();
        foreach (var node in _nodes)
        {
            if (node.HasExited)
            {
                gone.Add($"{node.Name} (log {node.LogPath})");
            }
        }

        return gone;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.CloseAsync(allowCommandsToComplete: false);
        await Connection.DisposeAsync();
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        DeleteDirectory(_directory);
    }

    private static ConfigurationOptions Options(IReadOnlyList<int> ports, string name)
    {
        var options = new ConfigurationOptions
        {
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
            SyncTimeout = 30_000,
            AsyncTimeout = 30_000,
            ClientName = "grid-bench-" + name,
        };
        foreach (int port in ports)
        {
            options.EndPoints.Add("127.0.0.1", port);
        }

        return options;
    }

    /// <summary><c>redis-cli --cluster create</c>: assigns the slots to 3 masters and a replica to each.</summary>
    private static async Task CreateAsync(ProcessSupervisor supervisor, string redisCli, string name, int[] ports, string logDirectory, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "--cluster", "create" };
        foreach (int port in ports)
        {
            arguments.Add("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        }

        arguments.AddRange(["--cluster-replicas", "1", "--cluster-yes"]);
        using var create = ChildProcess.Start(supervisor, name + "-create", redisCli, arguments, Path.Combine(logDirectory, name + "-create.log"));
        int exit = await create.WaitForExitAsync(ReadyTimeout, cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {exit}. Last output:{Environment.NewLine}{create.Tail()}");
        }
    }

    /// <summary>Polls <c>CLUSTER INFO</c> on each node (its own connection, so no topology is cached early) until all say <c>cluster_state:ok</c>.</summary>
    private static async Task WaitForStateOkAsync(int[] ports, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        foreach (int port in ports)
        {
            var options = new ConfigurationOptions
            {
                EndPoints = { { "127.0.0.1", port } },
                AbortOnConnectFail = true,
                ConnectTimeout = 10_000,
                ClientName = "grid-bench-cluster-check",
            };
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            var server = connection.GetServer("127.0.0.1", port);
            string last = "";
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                last = (string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? "";
                if (last.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Redis Cluster node 127.0.0.1:{port} did not reach cluster_state:ok within {ReadyTimeout.TotalSeconds:0} s. CLUSTER INFO:{Environment.NewLine}{last}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A node still writing its nodes.conf as it dies: a few bytes left in /tmp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
