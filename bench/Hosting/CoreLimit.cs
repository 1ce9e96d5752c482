using System.Globalization;

namespace Grid.Bench.Hosting;

/// <summary>
/// <c>--cores N</c>: a server process limited to N cores. Silos are told with <c>DOTNET_PROCESSOR_COUNT</c> (thread
/// pool, GC heaps, Orleans' schedulers size themselves from it); real pinning needs <c>taskset</c>, which wraps the
/// command when it is on PATH (it execs the program, so the pid the harness watches and kills is the server's).
/// </summary>
internal static class CoreLimit
{
    /// <summary>The CPU list given to <c>taskset -c</c> for the first <paramref name="cores"/> cores.</summary>
    public static string CpuList(int cores) =>
        cores <= 1 ? "0" : string.Create(CultureInfo.InvariantCulture, $"0-{cores - 1}");

    /// <summary>The command to start: unchanged without a limit or without taskset, else <c>taskset -c 0-(N-1) file args…</c>.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IReadOnlyList<string> arguments, int? cores, string? taskset)
    {
        if (cores is not { } n || taskset is null)
        {
            return (fileName, arguments);
        }

        var wrapped = new List<string>(arguments.Count + 3) { "-c", CpuList(n), fileName };
        wrapped.AddRange(arguments);
        return (taskset, wrapped);
    }

    /// <summary><see cref="Wrap(string, IReadOnlyList{string}, int?, string?)"/> with the taskset found on PATH.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IReadOnlyList<string> arguments, int? cores) =>
        Wrap(fileName, arguments, cores, cores is null ? null : ExecutableLocator.Find("taskset"));

    /// <summary>What the limit does on this machine, for the report.</summary>
    public static string Describe(int cores) => ExecutableLocator.Find("taskset") is null
        ? string.Create(CultureInfo.InvariantCulture, $"--cores {cores}: silos get DOTNET_PROCESSOR_COUNT={cores}; taskset is not on PATH, so no process is pinned (redis-server is not limited at all)")
        : string.Create(CultureInfo.InvariantCulture, $"--cores {cores}: silos and redis-server processes run under `taskset -c {CpuList(cores)}`, silos also with DOTNET_PROCESSOR_COUNT={cores}; the harness (client) is not pinned");
}
