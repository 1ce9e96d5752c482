using System.Runtime.InteropServices;

namespace Grid.Bench.Hosting;

/// <summary>
/// Keeps track of every child process and kills what is left when the run ends, fails, is cancelled (first Ctrl+C
/// cancels the run, a second one kills at once) or the harness is terminated (SIGTERM, SIGHUP, unhandled exception), so
/// no silo or redis-server outlives the harness; an <see cref="OrphanReaper"/> covers SIGKILL.
/// </summary>
internal sealed class ProcessSupervisor : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ChildProcess> _children = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private OrphanReaper? _reaper;
    private bool _reaperTried;
    private int _interrupts;

    public ProcessSupervisor()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate));
            _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnTerminate));
        }
    }

    /// <summary>Cancelled by Ctrl+C or SIGTERM.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Register(ChildProcess child)
    {
        lock (_gate)
        {
            if (!_reaperTried)
            {
                _reaperTried = true;
                _reaper = OrphanReaper.TryStart();
            }

            _children.Add(child);
        }
    }

    /// <summary>A registered child now has a pid: the reaper learns it.</summary>
    public void Started(ChildProcess child) => UpdateReaper();

    public void Unregister(ChildProcess child)
    {
        lock (_gate)
        {
            _children.Remove(child);
        }

        UpdateReaper();
    }

    private void UpdateReaper()
    {
        lock (_gate)
        {
            if (_reaper is null)
            {
                return;
            }

            var pids = new List<int>(_children.Count);
            foreach (var c in _children)
            {
                if (c.Id > 0)
                {
                    pids.Add(c.Id);
                }
            }

            _reaper.Track(pids);
        }
    }

    /// <summary>Kills every child still running.</summary>
    public void KillAll()
    {
        ChildProcess[] children;
        lock (_gate)
        {
            children = _children.ToArray();
        }

        foreach (var child in children)
        {
            child.Stop();
        }
    }

    public void Dispose()
    {
        KillAll();
        _reaper?.Dispose();
        Console.CancelKeyPress -= OnCancelKeyPress;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _interrupts) == 1)
        {
            // First Ctrl+C: stop the run in order; the runner's finally blocks stop the children and write what was measured.
            e.Cancel = true;
            Console.Error.WriteLine("Cancelling: stopping the benchmark and its processes (Ctrl+C again to kill at once)...");
            _cancel.Cancel();
            return;
        }

        KillAll();
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancel.Cancel();
        // Give the run a moment to unwind, then make sure nothing is left even if it does not.
        _ = Task.Delay(TimeSpan.FromSeconds(15)).ContinueWith(_ =>
        {
            KillAll();
            Environment.Exit(143);
        }, TaskScheduler.Default);
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void OnUnhandledException(object sender, UnhandledExceptionEventArgs e) => KillAll();
}
