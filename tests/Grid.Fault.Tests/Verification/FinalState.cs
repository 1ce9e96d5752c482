namespace Grid.Fault.Tests.Verification;

/// <summary>What the final reads (through a fresh client without near cache, after the cluster settled) found.</summary>
internal sealed class FinalState
{
    /// <summary>Keys whose final value is older than their last acknowledged write.</summary>
    public long KeysLost { get; set; }

    public long KeysChecked { get; set; }

    /// <summary>Keys whose final value nobody wrote.</summary>
    public long KeysNeverWritten { get; set; }

    /// <summary>Acknowledged increments and list pushes lost (including returned-value regressions seen during the load).</summary>
    public long StructuresLost { get; set; }

    /// <summary>Increments or pushes applied twice, out of order or never sent.</summary>
    public long ExactlyOnceViolations { get; set; }

    /// <summary>Samples of what was wrong, for the report.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>What could not be read before <see cref="FaultTimings.VerifyBound"/>: the checks above are then incomplete.</summary>
    public List<string> Unread { get; } = [];

    /// <summary>Errors of the final reads (retried), by kind: not caller-visible errors of the load.</summary>
    public Dictionary<string, long> Errors { get; } = [];

    public long AcknowledgedWritesLost => KeysLost + StructuresLost;
}
