using System.Diagnostics;

namespace Grid.Bench.Hosting;

/// <summary>
/// A process the harness started: its stdout and stderr go to a log file, a "ready" line can be awaited, and
/// <see cref="Stop"/> kills its whole tree. Every child registers with the <see cref="ProcessSupervisor"/>, which kills
/// what is left on exit, Ctrl+C or a crash.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 30;

    private readonly Process _process;
    private readonly ProcessSupervisor _supervisor;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly string? _readyText;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _logClosed;

    private ChildProcess(string name, Process process, ProcessSupervisor supervisor, string logPath, string? readyText)
    {
        Name = name;
        _process = process;
        _supervisor = supervisor;
        _readyText = readyText;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string Name { get; }

    public int Id { get; private set; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/>; <paramref name="readyText"/> is the output line (substring) that <see cref="WaitReadyAsync"/> waits for.</summary>
    public static ChildProcess Start(
        ProcessSupervisor supervisor,
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string logPath,
        string? readyText = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, supervisor, logPath, readyText);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        child.WriteLog($"# {DateTime.Now:O} {fileName} {string.Join(' ', info.ArgumentList)}");
        supervisor.Register(child);
        try
        {
            process.Start();
        }
        catch
        {
            supervisor.Unregister(child);
            child.CloseLog();
            throw;
        }

        child.Id = process.Id;
        supervisor.Started(child);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the ready line; fails with the log's tail if the process exits first or the time runs out.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_readyText is null)
        {
            return;
        }

        try
        {
            await _ready.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{Name} (pid {Id}) was not ready after {timeout.TotalSeconds:0} s (waiting for \"{_readyText}\"). Last output:{Environment.NewLine}{Tail()}");
        }
    }

    /// <summary>Waits for the process to exit by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Stop();
            throw new InvalidOperationException($"{Name} (pid {Id}) did not finish within {timeout.TotalSeconds:0} s; it was killed. Last output:{Environment.NewLine}{Tail()}");
        }

        // Let the asynchronous output readers drain.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The last lines of output.</summary>
    public string Tail()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    /// <summary>Kills the process and its children, if still running, and waits briefly for them to go.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited between the check and the kill.
        }

        _supervisor.Unregister(this);
        CloseLog();
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        WriteLog(line);
        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        if (_readyText is not null && line.Contains(_readyText, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        _ready.TrySetException(new InvalidOperationException($"{Name} (pid {Id}) exited with code {code} before it was ready. Last output:{Environment.NewLine}{Tail()}"));
    }

    private void WriteLog(string line)
    {
        lock (_gate)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private void CloseLog()
    {
        lock (_gate)
        {
            if (!_logClosed)
            {
                _logClosed = true;
                _log.Dispose();
            }
        }
    }
}
