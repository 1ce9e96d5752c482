using System.Diagnostics;

namespace Grid.Fault.Tests.Workload;

/// <summary>What a read returned, judged against the key's acknowledged-write log.</summary>
internal enum ReadVerdictKind
{
    /// <summary>At least as new as the last write acknowledged before the read started.</summary>
    Fresh,

    /// <summary>Older than the last write acknowledged before the read started.</summary>
    Stale,

    /// <summary>A value nobody wrote to this key: unparsable, another key's, or a seq above anything attempted.</summary>
    NeverWritten,
}

/// <summary>
/// A judged read. For a stale one, <see cref="Staleness"/> is how long before the read started the served value had
/// been superseded: the time from the acknowledgement of the first newer write to the start of the read.
/// </summary>
internal readonly record struct ReadVerdict(ReadVerdictKind Kind, long ServedSeq, long KnownSeq, TimeSpan Staleness)
{
    /// <summary>
    /// Judges a read of <paramref name="ledger"/>'s key that returned <paramref name="value"/>. Call it once the read
    /// ended; <paramref name="knownBeforeRead"/> is <see cref="KeyLedger.LastAcknowledged"/> taken before the read
    /// started at <paramref name="readStart"/> (Stopwatch timestamp).
    /// </summary>
    public static ReadVerdict Judge(byte[]? value, KeyLedger ledger, long knownBeforeRead, long readStart)
    {
        // Taken after the read ended: whatever the grid returned was sent before that.
        long attempted = ledger.Attempted;
        if (WrittenValue.SeqOf(value, ledger.Writer, ledger.Index) is not { } seq || seq > attempted)
        {
            return new ReadVerdict(ReadVerdictKind.NeverWritten, -1, knownBeforeRead, TimeSpan.Zero);
        }

        if (seq >= knownBeforeRead)
        {
            return new ReadVerdict(ReadVerdictKind.Fresh, seq, knownBeforeRead, TimeSpan.Zero);
        }

        // knownBeforeRead > seq was acknowledged, so a newer write than seq exists in the log.
        long supersededAt = ledger.SupersededAt(seq)
            ?? throw new InvalidOperationException($"{ledger.Key}: seq {knownBeforeRead} is acknowledged but the log has nothing newer than {seq}.");
        var staleness = supersededAt < readStart ? Stopwatch.GetElapsedTime(supersededAt, readStart) : TimeSpan.Zero;
        return new ReadVerdict(ReadVerdictKind.Stale, seq, knownBeforeRead, staleness);
    }
}
