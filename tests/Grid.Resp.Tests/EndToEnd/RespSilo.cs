using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// A silo process of a test class's own with its RESP endpoint on a free loopback port, started with the class's
/// settings and ready once the port accepts connections (the silo prints "ready" before Kestrel listens on it).
/// </summary>
internal sealed class RespSilo : IAsyncDisposable
{
    private RespSilo(SiloProcess silo, int port)
    {
        Silo = silo;
        Port = port;
    }

    /// <summary>The silo process.</summary>
    public SiloProcess Silo { get; }

    /// <summary>Its RESP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts a silo (no Redis membership) with <paramref name="settings"/> and the RESP endpoint on.</summary>
    public static async Task<RespSilo> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        int port = FreePort.Next();
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Grid__Resp__Enabled"] = "true",
            ["Grid__Resp__Address"] = "127.0.0.1",
            ["Grid__Resp__Port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        var silo = await SiloProcess.StartAsync(redis: null, all);
        await RespPort.WaitUntilAcceptingAsync(port);
        return new RespSilo(silo, port);
    }

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
