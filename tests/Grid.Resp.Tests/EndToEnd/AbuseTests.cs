using System.Net.Sockets;
using System.Text;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// Clients that misbehave cost only their own connection: one that never reads its replies is closed once its unsent
/// bytes pass the output bound, one that trickles a frame is closed after the command timeout, large frames split over
/// many reads are parsed as they come, and ten thousand mutated frames leave the silo serving, other connections
/// untouched and every acknowledged write readable. One silo for the class, with small bounds.
/// </summary>
public sealed class AbuseTests : IAsyncLifetime
{
    private RespSilo? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _silo = await RespSilo.StartAsync(new Dictionary<string, string>
        {
            ["Grid__Resp__MaxClients"] = "500",
            ["Grid__Resp__CommandTimeout"] = "00:00:02",
            ["Grid__Resp__MaxOutputBufferBytes"] = "65536",
        });
        _port = _silo.Port;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_once_its_unsent_replies_pass_the_bound()
    {
        await using var bystander = await RawRespClient.ConnectAsync(_port);
        Assert.Equal("+OK\r\n", await bystander.RunAsync([$"set abuse.big {new string('x', 40_000)}"]));

        // A small receive window and no reads: replies pile up on the silo's side. Each GET is its own read there, so
        // each reply (40 KB) is under the per-read bound: only the unsent total can close the connection.
        using var sink = new TcpClient { ReceiveBufferSize = 4096, NoDelay = true };
        await sink.ConnectAsync("127.0.0.1", _port);
        var stream = sink.GetStream();
        const int Requests = 1000;
        int sent = 0;
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                for (; sent < Requests; sent++)
                {
                    await stream.WriteAsync("get abuse.big\r\n"u8.ToArray(), bound.Token);
                    await Task.Delay(2, bound.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The silo closed the connection (or stopped reading it).
            }
        }

        long received = 0;
        var buffer = new byte[65536];
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, bound.Token)) > 0)
                {
                    received += read;
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // Reset: closed.
            }
        }

        Assert.True(received < (long)Requests * 40_000, $"{received} bytes arrived for {sent} requests: the connection was not closed");
        Assert.Equal("+PONG\r\n", await bystander.RunAsync(["ping"]));
    }

    [Fact]
    public async Task A_client_trickling_a_frame_is_closed_after_the_command_timeout_and_nothing_is_applied()
    {
        await using var bystander = await RawRespClient.ConnectAsync(_port);
        await using var slow = await RawRespClient.ConnectAsync(_port);
        string frame = "*3\r\n$3\r\nset\r\n$12\r\nabuse.trickl\r\n$40\r\n" + new string('v', 40) + "\r\n";
        var started = DateTime.UtcNow;
        bool closed = false;
        foreach (char c in frame)
        {
            try
            {
                await slow.SendAsync(c.ToString());
            }
            catch (IOException)
            {
                closed = true;
                break;
            }

            await Task.Delay(200);
            if (DateTime.UtcNow - started > TimeSpan.FromSeconds(6))
            {
                break;
            }
        }

        if (!closed)
        {
            Assert.Equal("", await slow.ReadToCloseAsync());
        }

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5), "closed before the command timeout");
        Assert.Equal("+PONG\r\n", await bystander.RunAsync(["ping"]));
        Assert.Equal(":0\r\n", await bystander.RunAsync(["exists abuse.trickl"]));
    }

    [Fact]
    public async Task Large_frames_split_over_many_reads_are_served()
    {
        await using var client = await RawRespClient.ConnectAsync(_port);

        // A 3 MiB value (over the transport's default 1 MiB read buffer) in 16 KiB writes.
        int size = 3 << 20;
        byte[] frame = Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$10\r\nabuse.big3\r\n${size}\r\n");
        byte[] all = [.. frame, .. Enumerable.Repeat((byte)'z', size), .. "\r\n"u8];
        for (int offset = 0; offset < all.Length; offset += 16 * 1024)
        {
            await client.SendRawAsync(all.AsMemory(offset, Math.Min(16 * 1024, all.Length - offset)));
        }

        Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        Assert.Equal($":{size}\r\n", await client.RunAsync(["strlen abuse.big3"]));

        // Nine thousand arguments (the grid takes at most 10,000 values per list push) in 1 KiB writes.
        var push = new StringBuilder("*9002\r\n$5\r\nRPUSH\r\n$10\r\nabuse.list\r\n");
        for (int i = 0; i < 9_000; i++)
        {
            push.Append("$1\r\na\r\n");
        }

        byte[] pushBytes = Encoding.ASCII.GetBytes(push.ToString());
        for (int offset = 0; offset < pushBytes.Length; offset += 1024)
        {
            await client.SendRawAsync(pushBytes.AsMemory(offset, Math.Min(1024, pushBytes.Length - offset)));
        }

        Assert.Equal(":9000\r\n", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task Ten_thousand_mutated_frames_leave_the_silo_serving_and_acknowledged_writes_readable()
    {
        await using var bystander = await RawRespClient.ConnectAsync(_port);
        Assert.Equal("+OK\r\n", await bystander.RunAsync(["set fz.bystander here"]));

        var fuzz = new RespFuzzer(_port, seed: 20261204);
        var result = await fuzz.RunAsync(workers: 16, framesPerConnection: 8, totalFrames: 10_000, TimeSpan.FromSeconds(50));

        Assert.True(result.Frames >= 10_000, $"only {result.Frames} mutated frames were sent in time");
        Assert.False(_silo!.Silo.Process.HasExited, "the silo died");
        await using var after = await RawRespClient.ConnectAsync(_port);
        Assert.Equal("+PONG\r\n", await after.RunAsync(["ping"]));
        Assert.Equal("$4\r\nhere\r\n", await bystander.RunAsync(["get fz.bystander"]));

        Assert.NotEmpty(result.Acknowledged);
        var missing = new List<string>();
        foreach (var (key, value) in result.Acknowledged)
        {
            string reply = await after.RunAsync([$"get {key}"]);
            if (reply != $"${value.Length}\r\n{value}\r\n")
            {
                missing.Add($"{key}: {reply.Trim()}");
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {result.Acknowledged.Count} acknowledged writes do not read back: {string.Join(", ", missing.Take(5))}");
    }
}
