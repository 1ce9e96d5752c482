using System.Globalization;

namespace Grid.Tests.Shared.Processes;

/// <summary>A real Grid silo process (<c>dotnet Grid.Silo.dll</c>) configured through environment variables.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private SiloProcess(ManagedProcess process, int siloPort, int gatewayPort, int adminPort)
    {
        Process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        AdminPort = adminPort;
    }

    public ManagedProcess Process { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>The admin endpoint's port (<c>/health/live</c>, <c>/health/ready</c>) on 127.0.0.1.</summary>
    public int AdminPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>
    /// Starts a silo; with <paramref name="redis"/> it joins that Redis membership, else it is a localhost single-silo grid.
    /// With <paramref name="logPath"/> its output is also written to that file as it comes.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string? redis,
        IReadOnlyDictionary<string, string>? settings = null,
        bool waitUntilReady = true,
        int? siloPort = null,
        int? gatewayPort = null,
        string? logPath = null)
    {
        int silo = siloPort ?? FreePort.Next();
        int gateway = gatewayPort ?? FreePort.Next();
        int admin = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["Grid__Admin__Address"] = "127.0.0.1",
            ["Grid__Admin__Port"] = admin.ToString(CultureInfo.InvariantCulture),
            ["Grid__Clustering__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture),
            ["Grid__Clustering__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
            ["Grid__Clustering__AdvertisedAddress"] = "127.0.0.1",
            ["Grid__MaxMemoryBytes"] = (256L << 20).ToString(CultureInfo.InvariantCulture),
            ["DOTNET_gcServer"] = "0",
        };
        if (redis is not null)
        {
            environment["Grid__Clustering__Redis"] = redis;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var dll = RepoPaths.Output("src/Silo", "Grid.Silo.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing; build the solution first.");
        }

        var process = ManagedProcess.Start("dotnet", [dll], environment, logPath);
        var started = new SiloProcess(process, silo, gateway, admin);
        if (waitUntilReady)
        {
            try
            {
                await started.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            }
            catch
            {
                // Nobody else holds the process yet: kill it rather than leave it running.
                await started.DisposeAsync();
                throw;
            }
        }

        return started;
    }

    /// <summary>Waits until the silo has joined its cluster and serves (it logs "Grid silo ready").</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout) => Process.WaitForOutputAsync("Grid silo ready", timeout);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
