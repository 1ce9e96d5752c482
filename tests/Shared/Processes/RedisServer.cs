using System.Net.Sockets;

namespace Grid.Tests.Shared.Processes;

/// <summary>A real redis-server on a free loopback port, without persistence, killed on dispose.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    private RedisServer(ManagedProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts a server; <paramref name="password"/> sets <c>requirepass</c>, <paramref name="aclUser"/> adds an ACL user
    /// with all rights, <paramref name="tls"/> serves TLS only (with that certificate) on the port.
    /// </summary>
    public static async Task<RedisServer> StartAsync(string? password = null, (string Name, string Password)? aclUser = null, (string Certificate, string Key)? tls = null)
    {
        string executable = FindExecutable("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed (on Debian: apt-get install -y redis-server); the end-to-end tests need a real one. .ci/run installs it.");
        int port = FreePort.Next();
        var arguments = new List<string> { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" };
        if (password is not null)
        {
            arguments.AddRange(["--requirepass", password]);
        }

        if (tls is { } files)
        {
            // TLS only: the plain port is closed.
            arguments[1] = "0";
            arguments.AddRange(["--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls-cert-file", files.Certificate, "--tls-key-file", files.Key, "--tls-auth-clients", "no"]);
        }

        if (aclUser is { } user)
        {
            arguments.AddRange(["--user", user.Name, "on", ">" + user.Password, "~*", "&*", "+@all"]);
        }

        var process = ManagedProcess.Start(executable, arguments);
        var server = new RedisServer(process, port);
        await server.WaitUntilAcceptingAsync(TimeSpan.FromSeconds(15));
        return server;
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    internal static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
