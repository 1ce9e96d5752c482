using System.Globalization;

namespace Grid.Bench.Hosting;

/// <summary>
/// Grid silo processes on loopback with distinct ports: one silo on localhost clustering, or several with Redis
/// membership (then <see cref="MembershipRedis"/> is set).
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<ChildProcess> _silos;

    private SiloCluster(List<ChildProcess> silos, string[] gateways, string? membershipRedis)
    {
        _silos = silos;
        Gateways = gateways;
        MembershipRedis = membershipRedis;
        var pids = new int[silos.Count];
        for (int i = 0; i < pids.Length; i++)
        {
            pids[i] = silos[i].Id;
        }

        ProcessIds = pids;
    }

    public int Count => _silos.Count;

    /// <summary>Gateway endpoints (<c>127.0.0.1:port</c>).</summary>
    public IReadOnlyList<string> Gateways { get; }

    /// <summary>The membership store, when the cluster uses Redis membership.</summary>
    public string? MembershipRedis { get; }

    public IReadOnlyList<int> ProcessIds { get; }

    /// <summary>Each silo's RESP (Redis protocol) port, when started with <c>resp: true</c>; empty otherwise.</summary>
    public IReadOnlyList<int> RespPorts { get; private init; } = [];

    /// <summary>Starts <paramref name="count"/> silos (in parallel) and waits until each reports it has started.</summary>
    /// <param name="supervisor">Tracks the processes.</param>
    /// <param name="siloDll">Grid.Silo.dll.</param>
    /// <param name="name">Prefix of process and log names.</param>
    /// <param name="count">Silo processes.</param>
    /// <param name="membershipRedis">Redis membership endpoint; null for localhost clustering (one silo only).</param>
    /// <param name="enableDiagnostics">Allow the forced-GC diagnostics call.</param>
    /// <param name="logDirectory">Where each silo's output goes.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="settings">Extra environment variables for every silo (configuration such as <c>Grid__Replication__Mode</c>).</param>
    /// <param name="cores">Limit each silo to this many cores (<see cref="CoreLimit"/>); null = no limit.</param>
    /// <param name="resp">Serve the Redis protocol on a free port per silo (<see cref="RespPorts"/>).</param>
    public static async Task<SiloCluster> StartAsync(
        ProcessSupervisor supervisor,
        string siloDll,
        string name,
        int count,
        string? membershipRedis,
        bool enableDiagnostics,
        string logDirectory,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null,
        int? cores = null,
        bool resp = false)
    {
        if (count > 1 && membershipRedis is null)
        {
            throw new ArgumentException("Several silos need Redis membership.", nameof(membershipRedis));
        }

        var ports = FreePorts.Take(count * (resp ? 3 : 2));
        int[] respPorts = resp ? ports[(count * 2)..] : [];
        var silos = new List<ChildProcess>(count);
        var gateways = new string[count];
        string dotnet = ExecutableLocator.DotNetHost();
        try
        {
            for (int i = 0; i < count; i++)
            {
                int siloPort = ports[i * 2];
                int gatewayPort = ports[(i * 2) + 1];
                gateways[i] = $"127.0.0.1:{gatewayPort}";
                var environment = new Dictionary<string, string>
                {
                    ["Grid__Clustering__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
                    ["Grid__Clustering__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
                    ["Grid__Clustering__AdvertisedAddress"] = "127.0.0.1",
                    ["Grid__EnableDiagnostics"] = enableDiagnostics ? "true" : "false",
                    // Several silos share this machine: each admin endpoint (health checks) takes a free port.
                    ["Grid__Admin__Port"] = "0",
                    ["DOTNET_ENVIRONMENT"] = "Production",
                    // The silo's appsettings log every grain placement's Polly pipeline at Information (two lines per
                    // activation); a deployment would silence them, and so does the benchmark.
                    ["Logging__LogLevel__Polly"] = "Warning",
                };
                if (membershipRedis is not null)
                {
                    environment["Grid__Clustering__Redis"] = membershipRedis;
                }

                if (resp)
                {
                    environment["Grid__Resp__Enabled"] = "true";
                    environment["Grid__Resp__Address"] = "127.0.0.1";
                    environment["Grid__Resp__Port"] = respPorts[i].ToString(CultureInfo.InvariantCulture);
                }

                if (settings is not null)
                {
                    foreach (var (key, value) in settings)
                    {
                        environment[key] = value;
                    }
                }

                if (cores is { } n)
                {
                    environment["DOTNET_PROCESSOR_COUNT"] = n.ToString(CultureInfo.InvariantCulture);
                }

                var (fileName, arguments) = CoreLimit.Wrap(dotnet, [siloDll], cores);

                string siloName = count == 1 ? name : $"{name}-{i}";
                silos.Add(ChildProcess.Start(
                    supervisor,
                    siloName,
                    fileName,
                    arguments,
                    Path.Combine(logDirectory, siloName + ".log"),
                    readyText: "Application started",
                    environment: environment,
                    workingDirectory: Path.GetDirectoryName(siloDll)));
            }

            var ready = new Task[silos.Count];
            for (int i = 0; i < ready.Length; i++)
            {
                ready[i] = silos[i].WaitReadyAsync(StartTimeout, cancellationToken);
            }

            await Task.WhenAll(ready);
            return new SiloCluster(silos, gateways, membershipRedis) { RespPorts = respPorts };
        }
        catch
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }

            throw;
        }
    }

    /// <summary>Summed CPU time of the silo processes.</summary>
    public TimeSpan CpuTime() => ProcStat.CpuTime(ProcessIds);

    /// <summary>Summed resident memory of the silo processes.</summary>
    public long RssBytes() => ProcStat.RssBytes(ProcessIds);

    /// <summary>Silos that have died, by name.</summary>
    public IReadOnlyList<string> Exited()
    {
        var gone = new List<string>();
        foreach (var silo in _silos)
        {
            if (silo.HasExited)
            {
                gone.Add($"{silo.Name} (log {silo.LogPath})");
            }
        }

        return gone;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
