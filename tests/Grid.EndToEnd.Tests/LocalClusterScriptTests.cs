using System.Diagnostics;
using System.Globalization;
using Grid.Client;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests;

/// <summary>deploy/local/up.sh, stop.sh and down.sh start and stop a real cluster.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class LocalClusterScriptTests
{
    [Fact]
    public async Task The_local_scripts_start_a_cluster_hand_off_on_stop_and_stop_everything()
    {
        var runDir = Path.Combine(Path.GetTempPath(), "grid-local-test-" + Guid.NewGuid().ToString("N")[..8]);
        int redisPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["GRID_RUN_DIR"] = runDir,
            ["GRID_REDIS_PORT"] = redisPort.ToString(CultureInfo.InvariantCulture),
            ["GRID_SILO_PORT_BASE"] = FreeRange(2).ToString(CultureInfo.InvariantCulture),
            ["GRID_GATEWAY_PORT_BASE"] = FreeRange(2).ToString(CultureInfo.InvariantCulture),
            ["GRID_ADMIN_PORT_BASE"] = FreeRange(2).ToString(CultureInfo.InvariantCulture),
            ["GRID_SILO_DLL"] = RepoPaths.Output("src/Silo", "Grid.Silo.dll"),
        };
        try
        {
            Assert.Equal(0, await RunScriptAsync("up.sh", ["2"], environment));
            Assert.True(File.Exists(Path.Combine(runDir, "silo1.pid")) && File.Exists(Path.Combine(runDir, "silo2.pid")));

            await using (var client = await ClientHost.StartAsync(o => o.Clustering.Redis = $"127.0.0.1:{redisPort}"))
            {
                var keys = Enumerable.Range(0, 200).Select(i => $"local:{i}").ToArray();
                await client.Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(k))).ToList());
                Assert.Equal(2, (await client.Cache.GetSiloStatisticsAsync()).Count);

                Assert.Equal(0, await RunScriptAsync("stop.sh", ["1"], environment));
                var values = await client.Cache.GetManyAsync(keys);
                Assert.All(values.Zip(keys), pair => Assert.Equal(pair.Second, System.Text.Encoding.UTF8.GetString(pair.First!)));
            }

            var pids = Directory.GetFiles(runDir, "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(0, await RunScriptAsync("down.sh", [], environment));
            Assert.Empty(Directory.GetFiles(runDir, "*.pid"));
            Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} still runs after down.sh"));
        }
        finally
        {
            await RunScriptAsync("down.sh", [], environment);
        }
    }

    private static async Task<int> RunScriptAsync(string script, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "local", script));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}: {await output}{await stdout}");
        return process.ExitCode;
    }

    /// <summary>A base port whose next <paramref name="count"/> ports are free now.</summary>
    private static int FreeRange(int count)
    {
        while (true)
        {
            int start = FreePort.Next();
            if (start + count <= 65535 && Enumerable.Range(start, count).All(FreePort.IsFree))
            {
                return start;
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
