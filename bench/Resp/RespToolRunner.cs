using System.Globalization;
using Grid.Bench.Hosting;

namespace Grid.Bench.Resp;

/// <summary>Runs redis-benchmark (CSV output) against one RESP port and returns a row per test.</summary>
internal static class RespToolRunner
{
    public static async Task<List<RespBenchRow>> RunAsync(ProcessSupervisor supervisor, string target, int port, string tests, int requests, int clients, int pipeline, string logDirectory, CancellationToken cancellationToken)
    {
        string tool = ExecutableLocator.Require("redis-benchmark", "redis-tools");
        var arguments = new List<string>
        {
            "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-t", tests,
            "-P", pipeline.ToString(CultureInfo.InvariantCulture),
            "--csv",
        };
        string name = $"redis-benchmark-{target.Replace(' ', '-')}-P{pipeline}";
        using var child = ChildProcess.Start(supervisor, name, tool, arguments, Path.Combine(logDirectory, name + ".log"));
        int exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"redis-benchmark {string.Join(' ', arguments)} exited with {exit}:{Environment.NewLine}{child.Tail()}");
        }

        child.Stop();
        var rows = new List<RespBenchRow>();
        foreach (var line in File.ReadLines(child.LogPath))
        {
            // "SET","56497.18","0.773","0.096","0.527","1.727","7.015","16.879"
            if (!line.StartsWith('"') || line.StartsWith("\"test\"", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split("\",\"");
            if (fields.Length < 7)
            {
                continue;
            }

            rows.Add(new RespBenchRow(target, $"redis-benchmark -P {pipeline}", fields[0].Trim('"'), Number(fields[1]), Number(fields[4]) * 1000, Number(fields[6]) * 1000));
        }

        return rows.Count > 0 ? rows : throw new InvalidOperationException($"redis-benchmark printed no results:{Environment.NewLine}{child.Tail()}");
    }

    private static double Number(string field) => double.Parse(field.Trim('"'), CultureInfo.InvariantCulture);
}
