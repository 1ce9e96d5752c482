using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Runs the Redis command-line tools (redis-cli, redis-benchmark) against a port, as a user would.</summary>
internal static class RedisTool
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    /// <summary>Runs a tool with <paramref name="input"/> on its standard input; its output is stdout then stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(input));
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish within {Bound.TotalSeconds:0} s. Output:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>
    /// <c>redis-cli --pipe</c> of <paramref name="count"/> SETs (<paramref name="prefix"/>N to "vN", padded to
    /// <paramref name="valueSize"/> bytes when that is longer): no error, every reply, and a sample of the keys reads back.
    /// </summary>
    public static Task PipeAndCheckAsync(int port, string prefix, int count, int valueSize)
    {
        var input = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            string key = prefix + i.ToString(CultureInfo.InvariantCulture);
            string value = Value(i, valueSize);
            input.Append(CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }

        return PipeAndReadBackAsync(port, input.ToString(), replies: count, prefix, keys: count, valueSize);
    }

    /// <summary>
    /// <c>redis-cli --pipe</c> of <paramref name="commands"/> MSETs of <paramref name="keysPerCommand"/> keys each
    /// (<paramref name="prefix"/>N to "vN"): no error, every reply, and a sample of the keys reads back.
    /// </summary>
    public static Task PipeMultiSetsAndCheckAsync(int port, string prefix, int commands, int keysPerCommand)
    {
        var input = new StringBuilder();
        for (int c = 0; c < commands; c++)
        {
            input.Append(CultureInfo.InvariantCulture, $"*{1 + (2 * keysPerCommand)}\r\n$4\r\nMSET\r\n");
            for (int k = 0; k < keysPerCommand; k++)
            {
                int i = (c * keysPerCommand) + k;
                string key = prefix + i.ToString(CultureInfo.InvariantCulture);
                string value = Value(i, 0);
                input.Append(CultureInfo.InvariantCulture, $"${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
            }
        }

        return PipeAndReadBackAsync(port, input.ToString(), replies: commands, prefix, keys: commands * keysPerCommand, valueSize: 0);
    }

    /// <summary>Pipes <paramref name="input"/>: exit 0, no error, every reply; then about a hundred of the keys (and the last) read back.</summary>
    private static async Task PipeAndReadBackAsync(int port, string input, int replies, string prefix, int keys, int valueSize)
    {
        if (RedisServer.FindExecutable("redis-cli") is not { } cli)
        {
            return; // redis-tools is not installed here; .ci/run installs it.
        }

        var (exitCode, output) = await RunAsync(cli, ["-p", port.ToString(CultureInfo.InvariantCulture), "--pipe"], input);
        string shown = output.Length > 2000 ? output[..2000] : output;
        Assert.True(exitCode == 0, shown);
        Assert.True(output.Contains($"errors: 0, replies: {replies}", StringComparison.Ordinal), shown);

        await using var client = await RawRespClient.ConnectAsync(port);
        for (int i = 0; i < keys; i += Math.Max(1, keys / 103))
        {
            await AssertValueAsync(client, prefix, i, valueSize);
        }

        await AssertValueAsync(client, prefix, keys - 1, valueSize);
    }

    private static async Task AssertValueAsync(RawRespClient client, string prefix, int i, int valueSize)
    {
        string value = Value(i, valueSize);
        Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.RunAsync([$"get {prefix}{i}"]));
    }

    private static string Value(int i, int valueSize) => ("v" + i.ToString(CultureInfo.InvariantCulture)).PadRight(valueSize, 'x');
}
