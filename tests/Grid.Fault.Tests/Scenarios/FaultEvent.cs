using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>What the harness did to the cluster.</summary>
internal enum FaultKind
{
    /// <summary><c>kill -KILL</c>: a crash.</summary>
    Kill,

    /// <summary><c>kill -TERM</c>: a graceful stop.</summary>
    Terminate,

    /// <summary><c>kill -STOP</c>: the silo freezes.</summary>
    Freeze,

    /// <summary><c>kill -CONT</c>: the frozen silo runs again.</summary>
    Thaw,

    /// <summary>A new silo process started.</summary>
    Spawn,

    /// <summary>The new silo reported ready: it joined the cluster.</summary>
    Join,
}

/// <summary>One action of a scenario, at <see cref="AtSeconds"/> since the load started.</summary>
internal sealed record FaultEvent(FaultKind Kind, string What, double AtSeconds, SiloProcess Silo)
{
    /// <summary>Whether throughput recovery is measured from this event (the faults, not their follow-ups).</summary>
    public bool MeasuresRecovery => Kind is FaultKind.Kill or FaultKind.Terminate or FaultKind.Freeze or FaultKind.Join;

    /// <summary>Whether the event takes a silo out, so the cluster should declare it dead (or it leaves).</summary>
    public bool RemovesSilo => Kind is FaultKind.Kill or FaultKind.Terminate or FaultKind.Freeze;
}
