using System.Globalization;
using System.Net.Sockets;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Any silo accepts any key: two silos (Redis membership), each with its RESP endpoint, see each other's writes.</summary>
public sealed class RoutingTests : IAsyncLifetime
{
    private RedisServer? _membership;
    private readonly List<SiloProcess> _silos = [];
    private readonly List<int> _ports = [];

    public async Task InitializeAsync()
    {
        _membership = await RedisServer.StartAsync();
        for (int i = 0; i < 2; i++)
        {
            int port = FreePort.Next();
            _ports.Add(port);
            _silos.Add(await SiloProcess.StartAsync(_membership.ConnectionString, new Dictionary<string, string>
            {
                ["Grid__Resp__Enabled"] = "true",
                ["Grid__Resp__Address"] = "127.0.0.1",
                ["Grid__Resp__Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Grid__PartitionCount"] = "64",
            }));
        }

        foreach (int port in _ports)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_membership is not null)
        {
            await _membership.DisposeAsync();
        }
    }

    [Fact]
    public async Task Keys_written_through_one_silo_read_through_the_other()
    {
        await using var first = await RawRespClient.ConnectAsync(_ports[0]);
        await using var second = await RawRespClient.ConnectAsync(_ports[1]);

        // 200 keys spread over both silos' partitions, written in one pipeline through the first silo.
        var writes = Enumerable.Range(0, 200).Select(i => $"set route.{i} v{i}").ToList();
        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", 200)), await first.RunAsync(writes));

        // Keys of the first silo's partitions ran on its stores in place, the others went to the second silo.
        var stats = await first.RunAsync(["info stats"]);
        long local = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"grid_resp_ops_local:(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        long forwarded = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"grid_resp_ops_forwarded:(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(local > 0 && forwarded > 0 && local + forwarded == 200, $"{local} ops ran in place, {forwarded} forwarded");

        // Read through the second (the routing table may still be settling: poll until every key answers).
        var reads = Enumerable.Range(0, 200).Select(i => $"get route.{i}").ToList();
        string expected = string.Concat(Enumerable.Range(0, 200).Select(i => $"${$"v{i}".Length}\r\nv{i}\r\n"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string actual;
        while ((actual = await second.RunAsync(reads)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(expected, actual);
        Assert.Equal(":200\r\n", await second.RunAsync(["exists " + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"route.{i}"))]));
    }

    [Fact]
    public async Task A_scan_cursor_means_the_same_on_every_silo()
    {
        await using var first = await RawRespClient.ConnectAsync(_ports[0]);
        await using var second = await RawRespClient.ConnectAsync(_ports[1]);
        var writes = Enumerable.Range(0, 150).Select(i => $"set roam.{i} v").ToList();
        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", 150)), await first.RunAsync(writes));

        // Each call of the scan goes to the other silo, continuing the cursor the previous one answered.
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var client = calls++ % 2 == 0 ? first : second;
            var reply = (List<object?>)RespReply.Parse(await client.RunAsync([$"scan {cursor} match roam.* count 20"]))!;
            cursor = (string)reply[0]!;
            seen.UnionWith(((List<object?>)reply[1]!).Cast<string>());
            Assert.True(calls < 1000, "the scan did not end");
        }
        while (cursor != "0");

        Assert.Equal(150, seen.Count);
        Assert.True(calls > 2, $"{calls} calls");
    }
}
