using System.Diagnostics;
using System.Globalization;
using Grid.Bench.Hosting;
using Grid.Bench.Reporting;

namespace Grid.Bench.Reference;

/// <summary>Runs redis-benchmark (C client, -c 64, GET and SET of 100 B) against the run's redis-server, with and without -P 16.</summary>
internal static class RedisBenchmarkRunner
{
    public const int Clients = 64;
    public const int ValueSize = 100;

    public static async Task<List<RedisBenchmarkRow>> RunAsync(RedisServer server, int requests, int pipeline, ProcessSupervisor supervisor, string logDirectory, CancellationToken cancellationToken)
    {
        string tool = ExecutableLocator.Require("redis-benchmark", "redis-tools");
        var arguments = new List<string>
        {
            "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture),
            "-c", Clients.ToString(CultureInfo.InvariantCulture),
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-t", "get,set",
            "-d", ValueSize.ToString(CultureInfo.InvariantCulture),
        };
        if (pipeline > 1)
        {
            arguments.Add("-P");
            arguments.Add(pipeline.ToString(CultureInfo.InvariantCulture));
        }

        string command = "redis-benchmark " + string.Join(' ', arguments);
        arguments.Add("--csv");
        string name = pipeline > 1 ? $"redis-benchmark-P{pipeline}" : "redis-benchmark";
        var cpu0 = ProcStat.CpuTime(server.ProcessId);
        long wall0 = Stopwatch.GetTimestamp();
        using var child = ChildProcess.Start(supervisor, name, tool, arguments, Path.Combine(logDirectory, name + ".log"));
        int exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        double wall = Stopwatch.GetElapsedTime(wall0).TotalSeconds;
        double serverCpu = (ProcStat.CpuTime(server.ProcessId) - cpu0).TotalSeconds / wall * 100;
        if (exit != 0)
        {
            throw new InvalidOperationException($"{command} exited with {exit}:{Environment.NewLine}{child.Tail()}");
        }

        child.Stop();
        var rows = new List<RedisBenchmarkRow>();
        foreach (var line in File.ReadLines(child.LogPath))
        {
            // "SET","56497.18","0.773","0.096","0.527","1.727","7.015","16.879"
            if (!line.StartsWith('"') || line.StartsWith("\"test\"", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length < 7)
            {
                continue;
            }

            rows.Add(new RedisBenchmarkRow(
                Unquote(fields[0]),
                pipeline,
                Clients,
                requests,
                ValueSize,
                Number(fields[1]),
                Number(fields[4]) * 1000,
                Number(fields[6]) * 1000,
                serverCpu,
                command));
        }

        return rows.Count > 0 ? rows : throw new InvalidOperationException($"{command} printed no results:{Environment.NewLine}{child.Tail()}");
    }

    private static string Unquote(string field) => field.Trim().Trim('"');

    private static double Number(string field) => double.Parse(Unquote(field), CultureInfo.InvariantCulture);
}
