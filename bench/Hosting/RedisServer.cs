using System.Globalization;
using StackExchange.Redis;

namespace Grid.Bench.Hosting;

/// <summary>A redis-server the harness started on a free loopback port, without persistence, and a connection to it.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServer(ChildProcess process, int port, ConnectionMultiplexer connection)
    {
        _process = process;
        Port = port;
        Connection = connection;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public int ProcessId => _process.Id;

    /// <summary>A multiplexed connection (admin commands allowed): the load generator shares it, as a .NET service would.</summary>
    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    public IServer Server => Connection.GetServer("127.0.0.1", Port);

    /// <summary>Starts a redis-server on a free port and connects to it.</summary>
    /// <param name="supervisor">Tracks the process.</param>
    /// <param name="name">Process and log name.</param>
    /// <param name="logDirectory">Where its output goes (and its working directory).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="cores">Run under <c>taskset</c> on this many cores (<see cref="CoreLimit"/>); null = no limit.</param>
    public static async Task<RedisServer> StartAsync(ProcessSupervisor supervisor, string name, string logDirectory, CancellationToken cancellationToken, int? cores = null)
    {
        string redisServer = ExecutableLocator.Require("redis-server", "redis-server");
        int port = FreePorts.Take(1)[0];
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", "",
            "--dir", logDirectory,
        ];
        var (fileName, commandArguments) = CoreLimit.Wrap(redisServer, arguments, cores);
        var process = ChildProcess.Start(supervisor, name, fileName, commandArguments, Path.Combine(logDirectory, name + ".log"), readyText: "Ready to accept connections");
        try
        {
            await process.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var options = new ConfigurationOptions
            {
                EndPoints = { { "127.0.0.1", port } },
                AllowAdmin = true,
                AbortOnConnectFail = true,
                ConnectTimeout = 10_000,
                SyncTimeout = 30_000,
                AsyncTimeout = 30_000,
                ClientName = "grid-bench",
            };
            var connection = await ConnectionMultiplexer.ConnectAsync(options);
            return new RedisServer(process, port, connection);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>One section of INFO as name → value.</summary>
    public async Task<Dictionary<string, string>> InfoAsync(string section)
    {
        var groups = await Server.InfoAsync(section);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var (key, value) in group)
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>A numeric INFO field.</summary>
    public async Task<long> InfoNumberAsync(string section, string field)
    {
        var info = await InfoAsync(section);
        return info.TryGetValue(field, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;
    }

    public Task FlushAsync() => Server.FlushAllDatabasesAsync();

    public async ValueTask DisposeAsync()
    {
        await Connection.CloseAsync(allowCommandsToComplete: false);
        await Connection.DisposeAsync();
        _process.Dispose();
    }
}
