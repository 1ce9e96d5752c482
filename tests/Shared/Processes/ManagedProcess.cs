using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Grid.Tests.Shared.Processes;

/// <summary>
/// A child process whose output is captured (and optionally written to a log file as it comes), that can wait for a
/// line, be sent signals by PID, and is always killed on dispose. Its PID goes to <see cref="CiPidFile"/> at start.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private StreamWriter? _logFile;

    private ManagedProcess(Process process, StreamWriter? logFile)
    {
        _process = process;
        _logFile = logFile;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/>; with <paramref name="logPath"/> every output line is also appended to that file.</summary>
    public static ManagedProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? logPath = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        StreamWriter? logFile = null;
        if (logPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
            logFile = new StreamWriter(logPath, append: true) { AutoFlush = true };
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, logFile);
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data);
        process.Start();
        CiPidFile.Record(process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>
    /// Runs a command to its end and returns its exit code and output (stdout and stderr); throws with the output so far
    /// when it outlasts <paramref name="timeout"/> (the process is killed).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(fileName, arguments, environment, workingDirectory: workingDirectory);
        try
        {
            int exitCode = await process.WaitForExitAsync(timeout);
            return (exitCode, process.Output);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}. Output:\n{process.Output}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            _logFile?.WriteLine(line);
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output when the process exits or time runs out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Process exited with code {_process.ExitCode} before printing '{text}'. Output:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Process did not print '{text}' within {timeout}. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, or the signal named, e.g. "INT" for Ctrl+C) and waits for it to exit; kills it
    /// when it takes longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan timeout, string signal = "TERM")
    {
        if (!_process.HasExited)
        {
            Signal(signal);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>
    /// Whether the process ignores SIGINT: a child inherits an ignored SIGINT (a shell ignores it for background jobs,
    /// and .NET keeps it ignored), and then Ctrl+C cannot reach it.
    /// </summary>
    public bool IgnoresInterrupt()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                ulong mask = ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                return (mask & (1UL << (2 - 1))) != 0;   // SIGINT is signal 2
            }
        }

        return false;
    }

    /// <summary>
    /// Sends a signal by PID with <c>kill -SIGNAL pid</c> (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>, <c>KILL</c>) and does not
    /// wait for its effect. Throws when <c>kill</c> fails while the process still runs.
    /// </summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not start kill.");
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} exited with code {kill.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_log)
        {
            _logFile?.Dispose();
            _logFile = null;
        }
    }
}
