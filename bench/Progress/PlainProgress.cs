using System.Diagnostics;

namespace Grid.Bench.Progress;

/// <summary>Plain timestamped lines, for redirected output (CI, tests, logs).</summary>
internal sealed class PlainProgress(int totalSteps) : IProgressSink
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private int _done;

    public void Status(string text) => Write($"... {text}");

    public void StepDone(string line)
    {
        int done = Interlocked.Increment(ref _done);
        Write($"[{done}/{totalSteps}] {line}");
    }

    public void Note(string line) => Write(line);

    private void Write(string line)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        lock (_gate)
        {
            Console.WriteLine($"{elapsed:mm\\:ss} {line}");
        }
    }
}
