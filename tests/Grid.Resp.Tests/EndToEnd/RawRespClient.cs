using System.Net.Sockets;
using System.Text;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>A raw TCP client: sends bytes as given and reads whole replies back as their exact bytes.</summary>
internal sealed class RawRespClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _buffer = [];

    private RawRespClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawRespClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawRespClient(client);
    }

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    /// <summary>Sends bytes as they are.</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Sends <paramref name="commands"/> (inline, one a line) in one write and reads one reply per command.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> commands)
    {
        await SendAsync(string.Concat(commands.Select(c => c + "\r\n")));
        var replies = new StringBuilder();
        for (int i = 0; i < commands.Count; i++)
        {
            replies.Append(await ReadReplyAsync());
        }

        return replies.ToString();
    }

    /// <summary>Reads one whole reply (aggregates with their elements).</summary>
    public async Task<string> ReadReplyAsync()
    {
        var reply = new StringBuilder();
        await ReadInto(reply);
        return reply.ToString();
    }

    /// <summary>Everything until the server closes the connection (within 10 s); a reset counts as closing.</summary>
    public async Task<string> ReadToCloseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var rest = new StringBuilder(Encoding.UTF8.GetString([.. _buffer]));
        _buffer.Clear();
        var chunk = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(chunk, timeout.Token);
            }
            catch (IOException)
            {
                return rest.ToString();
            }

            if (read == 0)
            {
                return rest.ToString();
            }

            rest.Append(Encoding.UTF8.GetString(chunk, 0, read));
        }
    }

    private async Task ReadInto(StringBuilder reply)
    {
        string line = await ReadLineAsync();
        reply.Append(line).Append("\r\n");
        char type = line[0];
        switch (type)
        {
            case '$' or '=' or '!':
                int length = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (length >= 0)
                {
                    reply.Append(Encoding.UTF8.GetString(await ReadExactAsync(length + 2)));
                }

                break;
            case '*' or '~' or '>' or '%' or '|':
                int count = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (type is '%' or '|')
                {
                    count *= 2;
                }

                for (int i = 0; i < count; i++)
                {
                    await ReadInto(reply);
                }

                break;
        }
    }

    /// <summary>The next line's exact bytes, without its CRLF (a simple or error reply as sent, undecoded).</summary>
    public async Task<byte[]> ReadLineBytesAsync()
    {
        while (true)
        {
            for (int i = 0; i + 1 < _buffer.Count; i++)
            {
                if (_buffer[i] == '\r' && _buffer[i + 1] == '\n')
                {
                    byte[] line = [.. _buffer.GetRange(0, i)];
                    _buffer.RemoveRange(0, i + 2);
                    return line;
                }
            }

            await FillAsync();
        }
    }

    private async Task<string> ReadLineAsync() => Encoding.UTF8.GetString(await ReadLineBytesAsync());

    private async Task<byte[]> ReadExactAsync(int count)
    {
        while (_buffer.Count < count)
        {
            await FillAsync();
        }

        byte[] bytes = [.. _buffer.GetRange(0, count)];
        _buffer.RemoveRange(0, count);
        return bytes;
    }

    private async Task FillAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var chunk = new byte[4096];
        int read = await _stream.ReadAsync(chunk, timeout.Token);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _buffer.AddRange(chunk.AsSpan(0, read));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
