using System.Diagnostics;
using System.Globalization;

namespace Grid.Bench.Hosting;

/// <summary>
/// Covers the one exit the harness cannot handle itself (SIGKILL, a crashed runtime): a tiny <c>sh</c> process polls
/// the harness's pid once a second and, when it is gone, kills the pids listed in a file that the harness keeps
/// current (its live children). On a normal exit the harness stops the reaper and deletes the file.
/// </summary>
internal sealed class OrphanReaper : IDisposable
{
    private const string Script =
        "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; " +
        "if [ -f \"$2\" ]; then xargs -r kill -9 < \"$2\" 2>/dev/null; rm -f \"$2\"; fi";

    private readonly string _pidFile;
    private readonly Process? _reaper;

    private OrphanReaper(string pidFile, Process? reaper)
    {
        _pidFile = pidFile;
        _reaper = reaper;
    }

    /// <summary>Starts the reaper; null where there is no <c>/bin/sh</c>.</summary>
    public static OrphanReaper? TryStart()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        string pidFile = Path.Combine(Path.GetTempPath(), $"grid-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.pids");
        File.WriteAllText(pidFile, "");
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-c", Script, "grid-bench-reaper", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), pidFile })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            return new OrphanReaper(pidFile, Process.Start(info));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            File.Delete(pidFile);
            return null;
        }
    }

    /// <summary>Replaces the list of pids to kill should the harness die.</summary>
    public void Track(IEnumerable<int> pids)
    {
        var lines = new List<string>();
        foreach (int pid in pids)
        {
            lines.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        // Write then rename, so the reaper never reads half a file.
        string temporary = _pidFile + ".tmp";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, _pidFile, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            if (_reaper is { HasExited: false })
            {
                _reaper.Kill();
                _reaper.WaitForExit(2_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _reaper?.Dispose();
        try
        {
            File.Delete(_pidFile);
        }
        catch (IOException)
        {
        }
    }
}
