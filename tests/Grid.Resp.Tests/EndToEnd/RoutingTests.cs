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

        // 200 keys spread over both silos' partitions, written in one pipeline through the first silo, twice: the
        // first pass activates the partitions (through the grid), the second finds those of the first silo live there.
        var writes = Enumerable.Range(0, 200).Select(i => $"set route.{i} v{i}").ToList();
        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", 200)), await first.RunAsync(writes));
        var (localBefore, forwardedBefore) = await OpsAsync(first);
        Assert.Equal(string.Concat(Enumerable.Repeat("+OK\r\n", 200)), await first.RunAsync(writes));

        // Keys of the first silo's partitions ran on its stores in place, the others went to the second silo.
        var (localAfter, forwardedAfter) = await OpsAsync(first);
        long local = localAfter - localBefore;
        long forwarded = forwardedAfter - forwardedBefore;
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
    public async Task Pipelined_writes_of_one_key_keep_their_order_through_either_silo()
    {
        // Sixteen keys over both silos' partitions, 40 commands on each in one pipeline, interleaved: every silo runs
        // some keys in place and forwards the others, several writes of one partition in one segment each time.
        var keys = Enumerable.Range(0, 16).Select(i => $"order.{Guid.NewGuid():N}").ToArray();
        foreach (int port in _ports)
        {
            await using var client = await RawRespClient.ConnectAsync(port);
            var commands = new List<string>();
            var expected = new System.Text.StringBuilder();
            foreach (var key in keys)
            {
                commands.Add($"del {key} {key}.list");
                expected.Append(CultureInfo.InvariantCulture, $":{(port == _ports[0] ? 0 : 2)}\r\n");
            }

            for (int step = 1; step <= 30; step++)
            {
                foreach (var key in keys)
                {
                    commands.Add($"incr {key}");
                    expected.Append(CultureInfo.InvariantCulture, $":{step}\r\n");
                }
            }

            foreach (var key in keys)
            {
                commands.Add($"get {key}");
                expected.Append("$2\r\n30\r\n");
                commands.Add($"set {key} last");
                expected.Append("+OK\r\n");
                commands.Add($"get {key}");
                expected.Append("$4\r\nlast\r\n");
                for (int i = 0; i < 3; i++)
                {
                    commands.Add($"rpush {key}.list {i}");
                    expected.Append(CultureInfo.InvariantCulture, $":{i + 1}\r\n");
                }

                commands.Add($"lpop {key}.list");
                expected.Append("$1\r\n0\r\n");
                commands.Add($"set {key} again");
                expected.Append("+OK\r\n");
            }

            // The first pass starts from nothing; the second deletes what the first left (the key and its list).
            Assert.Equal(expected.ToString(), await client.RunAsync(commands));
        }

        // Both silos forwarded some of it.
        foreach (int port in _ports)
        {
            await using var client = await RawRespClient.ConnectAsync(port);
            var (_, forwarded) = await OpsAsync(client);
            Assert.True(forwarded > 0, $"silo with RESP port {port} forwarded nothing");
        }
    }

    /// <summary>The silo's RESP ops run in place and forwarded so far (INFO stats).</summary>
    private static async Task<(long Local, long Forwarded)> OpsAsync(RawRespClient client)
    {
        var stats = await client.RunAsync(["info stats"]);
        return (Stat("grid_resp_ops_local"), Stat("grid_resp_ops_forwarded"));

        long Stat(string name) =>
            long.Parse(System.Text.RegularExpressions.Regex.Match(stats, name + @":(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
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
