using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Grid.Bench.Hosting;

namespace Grid.Bench.Reporting;

/// <summary>What the run ran on, for the report's header.</summary>
internal sealed record MachineInfo
{
    public required string CpuModel { get; init; }

    public required int Cores { get; init; }

    public required string Memory { get; init; }

    public required string OperatingSystem { get; init; }

    public required string DotNet { get; init; }

    public required string GcMode { get; init; }

    public required string Orleans { get; init; }

    public required string StackExchangeRedis { get; init; }

    public required string RedisServer { get; init; }

    public required string GitCommit { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required string Command { get; init; }

    public static MachineInfo Collect(IReadOnlyList<string> arguments) => new()
    {
        CpuModel = CpuModelName(),
        Cores = Environment.ProcessorCount,
        Memory = TotalMemory(),
        OperatingSystem = OsName(),
        DotNet = $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})",
        GcMode = $"{(GCSettings.IsServerGC ? "Server" : "Workstation")} GC, {GCSettings.LatencyMode}",
        Orleans = VersionOf(typeof(IClusterClient).Assembly),
        StackExchangeRedis = VersionOf(typeof(StackExchange.Redis.ConnectionMultiplexer).Assembly),
        RedisServer = Run(ExecutableLocator.Find("redis-server"), "--version") ?? "not found",
        GitCommit = GitDescription(),
        LoadAverageAtStart = LoadAverage(),
        Command = "dotnet run -c Release --project bench --" + (arguments.Count > 0 ? " " + string.Join(' ', Quote(arguments)) : ""),
    };

    /// <summary>The 1/5/15-minute load averages: how busy the machine was (other work skews absolute numbers).</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModelName()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string TotalMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line.AsSpan(9).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
                    return $"{kb / 1024.0 / 1024.0:0.0} GiB";
                }
            }
        }
        catch (IOException)
        {
        }

        return $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB";
    }

    private static string OsName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return $"{line[12..].Trim('"')}, kernel {Environment.OSVersion.Version}";
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.OSDescription;
    }

    private static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "?";
        // "10.4.2+sha" or "10.4.2. Commit Hash: sha"
        int end = version.AsSpan().IndexOfAny("+ ");
        return (end > 0 ? version[..end] : version).TrimEnd('.');
    }

    private static string GitDescription()
    {
        var git = ExecutableLocator.Find("git");
        var commit = Run(git, "-C", RepoPaths.Root, "rev-parse", "--short", "HEAD");
        if (commit is null)
        {
            return "unknown";
        }

        var status = Run(git, "-C", RepoPaths.Root, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? commit : commit + " (with uncommitted changes)";
    }

    private static string? Run(string? program, params string[] arguments)
    {
        if (program is null)
        {
            return null;
        }

        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static IEnumerable<string> Quote(IReadOnlyList<string> arguments)
    {
        foreach (var argument in arguments)
        {
            yield return argument.Length == 0 || argument.AsSpan().IndexOfAny(" \"'*?$") >= 0
                ? "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
                : argument;
        }
    }
}
