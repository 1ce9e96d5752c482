using System.Diagnostics;
using System.Globalization;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>How long each phase of a run took, for the report (where the run's minutes go).</summary>
internal sealed class RunPhases
{
    private readonly List<string> _phases = [];
    private long _since = Stopwatch.GetTimestamp();

    /// <summary>Ends the phase that started when the previous one ended.</summary>
    public void End(string phase)
    {
        long now = Stopwatch.GetTimestamp();
        _phases.Add(string.Create(CultureInfo.InvariantCulture, $"{phase} {Stopwatch.GetElapsedTime(_since, now).TotalSeconds:0.0} s"));
        _since = now;
    }

    public override string ToString() => "phases: " + string.Join(", ", _phases);
}
