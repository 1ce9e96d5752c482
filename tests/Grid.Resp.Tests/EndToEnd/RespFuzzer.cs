using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>What a fuzz run did: mutated frames sent, and the writes the server acknowledged (key → value).</summary>
internal sealed record FuzzResult(int Frames, IReadOnlyDictionary<string, string> Acknowledged);

/// <summary>
/// Sends mutated RESP frames over many short connections: each connection first sends a few valid SETs of its own keys
/// (<c>fz.*</c>), then mutated frames (bit flips and truncations of valid frames, huge lengths, random bytes, valid
/// commands spliced into random bytes; their keys are <c>mz.*</c> and <c>sz.*</c>, which one bit flip cannot turn into
/// <c>fz.*</c>). The SETs come first, so the first replies are theirs: a SET answered <c>+OK</c> is acknowledged and
/// must read back afterwards whatever the frames after it did to the connection.
/// </summary>
internal sealed class RespFuzzer(int port, int seed)
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(150);

    private static readonly string[] Valid =
    [
        "*3\r\n$3\r\nSET\r\n$6\r\nmz.a.1\r\n$5\r\nhello\r\n",
        "*2\r\n$3\r\nGET\r\n$6\r\nmz.a.1\r\n",
        "*2\r\n$4\r\nINCR\r\n$6\r\nmz.c.1\r\n",
        "*4\r\n$4\r\nHSET\r\n$6\r\nmz.h.1\r\n$1\r\nf\r\n$1\r\nv\r\n",
        "*3\r\n$5\r\nLPUSH\r\n$6\r\nmz.l.1\r\n$1\r\nx\r\n",
        "*4\r\n$6\r\nLRANGE\r\n$6\r\nmz.l.1\r\n$1\r\n0\r\n$2\r\n-1\r\n",
        "*5\r\n$3\r\nSET\r\n$6\r\nmz.e.1\r\n$1\r\nv\r\n$2\r\nEX\r\n$3\r\n100\r\n",
        "*3\r\n$4\r\nMGET\r\n$6\r\nmz.a.1\r\n$6\r\nmz.a.2\r\n",
        "*1\r\n$4\r\nPING\r\n",
        "*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n",
        "SET mz.inline \"quoted value\"\r\n",
        "*2\r\n$3\r\nDEL\r\n$6\r\nmz.a.2\r\n",
    ];

    private static readonly string[] Spliced =
    [
        "*3\r\n$3\r\nSET\r\n$6\r\nsz.s.1\r\n$1\r\nv\r\n",
        "*2\r\n$4\r\nINCR\r\n$6\r\nsz.c.1\r\n",
        "*2\r\n$3\r\nGET\r\n$6\r\nsz.s.1\r\n",
        "PING\r\n",
    ];

    private static readonly string[] Huge =
    [
        "*99999999999\r\n",
        "*2147483648\r\n$3\r\nGET\r\n",
        "*2\r\n$2147483648\r\n",
        "*2\r\n$3\r\nGET\r\n$16777215\r\nabc",
        "*1048577\r\n",
        "*-5\r\n",
        "*3\r\n$-7\r\n",
        "$5\r\nhello\r\n",
        ":1\r\n",
        "*1\r\n$99999999999999999999999\r\n",
    ];

    public async Task<FuzzResult> RunAsync(int workers, int framesPerConnection, int totalFrames, TimeSpan budget)
    {
        int frames = 0;
        var acknowledged = new ConcurrentDictionary<string, string>();
        var deadline = DateTime.UtcNow + budget;
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            tasks[w] = Task.Run(async () =>
            {
                var random = new Random(seed + worker);
                int next = 0;
                while (Volatile.Read(ref frames) < totalFrames && DateTime.UtcNow < deadline)
                {
                    var sets = new List<(string Key, string Value)>();
                    var payload = new List<byte>();
                    int setCount = random.Next(0, 4);
                    for (int i = 0; i < setCount; i++)
                    {
                        string key = $"fz.{worker}.{next++}";
                        string value = "v" + random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
                        sets.Add((key, value));
                        payload.AddRange(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n"));
                    }

                    for (int f = 0; f < framesPerConnection; f++)
                    {
                        payload.AddRange(Mutate(random));
                    }

                    Interlocked.Add(ref frames, framesPerConnection);
                    string replies = await ExchangeAsync([.. payload]).ConfigureAwait(false);
                    int at = 0;
                    foreach (var (key, value) in sets)
                    {
                        if (string.CompareOrdinal(replies, at, "+OK\r\n", 0, 5) != 0)
                        {
                            break;
                        }

                        acknowledged[key] = value;
                        at += 5;
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
        return new FuzzResult(frames, acknowledged);
    }

    /// <summary>One mutated frame.</summary>
    private static byte[] Mutate(Random random)
    {
        byte[] valid = Encoding.ASCII.GetBytes(Valid[random.Next(Valid.Length)]);
        switch (random.Next(6))
        {
            case 0:
            {
                // Bit flips.
                int flips = random.Next(1, 4);
                for (int i = 0; i < flips; i++)
                {
                    valid[random.Next(valid.Length)] ^= (byte)(1 << random.Next(8));
                }

                return valid;
            }

            case 1:
                // Truncated.
                return valid[..random.Next(1, valid.Length)];
            case 2:
                return Encoding.ASCII.GetBytes(Huge[random.Next(Huge.Length)]);
            case 3:
            {
                // Random bytes.
                var bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
                return bytes;
            }

            case 4:
            {
                // A valid command spliced into random bytes.
                var before = new byte[random.Next(0, 20)];
                var after = new byte[random.Next(0, 20)];
                random.NextBytes(before);
                random.NextBytes(after);
                return [.. before, .. Encoding.ASCII.GetBytes(Spliced[random.Next(Spliced.Length)]), .. after];
            }

            default:
                // Valid as it is.
                return valid;
        }
    }

    /// <summary>Sends <paramref name="payload"/> on a new connection and reads until the server closes it or goes quiet.</summary>
    private async Task<string> ExchangeAsync(byte[] payload)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(payload).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Closed by the server while sending: read what it answered before.
        }

        var received = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (received.Length < (1 << 20))
        {
            using var quiet = new CancellationTokenSource(Silence);
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, quiet.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(chunk, 0, read);
        }

        return Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
    }
}
