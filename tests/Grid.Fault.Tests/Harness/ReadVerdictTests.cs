using System.Diagnostics;
using Grid.Fault.Tests.Workload;

namespace Grid.Fault.Tests.Harness;

/// <summary>The stale-read judgement: only what was acknowledged before a read started may be required of it.</summary>
public sealed class ReadVerdictTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void A_value_at_least_as_new_as_the_last_acknowledged_before_the_read_is_fresh()
    {
        var key = Key(acks: [(1, 10 * Second), (2, 20 * Second)], attempted: 3);
        Assert.Equal(ReadVerdictKind.Fresh, ReadVerdict.Judge(Value(2), key, knownBeforeRead: 2, readStart: 21 * Second).Kind);
        // Seq 3 was sent but not acknowledged: the grid may already hold it.
        Assert.Equal(ReadVerdictKind.Fresh, ReadVerdict.Judge(Value(3), key, knownBeforeRead: 2, readStart: 21 * Second).Kind);
    }

    [Fact]
    public void An_older_value_is_stale_by_the_time_since_its_successor_was_acknowledged()
    {
        var key = Key(acks: [(1, 10 * Second), (2, 20 * Second), (3, 30 * Second)], attempted: 3);
        var verdict = ReadVerdict.Judge(Value(1), key, knownBeforeRead: 3, readStart: 31 * Second);
        Assert.Equal(ReadVerdictKind.Stale, verdict.Kind);
        // Seq 1 stopped being current when seq 2 was acknowledged, 11 s before the read.
        Assert.Equal(TimeSpan.FromSeconds(11), verdict.Staleness);
    }

    [Fact]
    public void A_write_acknowledged_after_the_snapshot_does_not_make_a_read_stale()
    {
        var key = Key(acks: [(1, 10 * Second)], attempted: 2);
        long known = key.LastAcknowledged;
        // Seq 2 is acknowledged while the read is under way: the read may return 1.
        key.Acknowledge(2, 12 * Second);
        Assert.Equal(ReadVerdictKind.Fresh, ReadVerdict.Judge(Value(1), key, known, readStart: 11 * Second).Kind);
    }

    [Fact]
    public void A_missing_key_is_stale_once_a_write_was_acknowledged()
    {
        var key = Key(acks: [(4, 10 * Second)], attempted: 4);
        Assert.Equal(ReadVerdictKind.Fresh, ReadVerdict.Judge(null, Key([], 1), knownBeforeRead: 0, readStart: 11 * Second).Kind);
        Assert.Equal(ReadVerdictKind.Stale, ReadVerdict.Judge(null, key, knownBeforeRead: 4, readStart: 11 * Second).Kind);
    }

    [Theory]
    [InlineData("w0:k0:s9")] // above anything attempted
    [InlineData("w1:k0:s1")] // another writer's
    [InlineData("w0:k1:s1")] // another key's
    [InlineData("w0:k0:s")]
    [InlineData("garbage")]
    public void A_value_nobody_wrote_to_the_key_is_never_written(string value)
    {
        var key = Key(acks: [(1, 10 * Second)], attempted: 2);
        Assert.Equal(ReadVerdictKind.NeverWritten, ReadVerdict.Judge(System.Text.Encoding.ASCII.GetBytes(value), key, knownBeforeRead: 1, readStart: 11 * Second).Kind);
    }

    [Fact]
    public void Acknowledgements_out_of_order_are_a_harness_error()
    {
        var key = Key(acks: [(2, 10 * Second)], attempted: 2);
        Assert.Throws<InvalidOperationException>(() => key.Acknowledge(1, 11 * Second));
        Assert.Throws<InvalidOperationException>(() => key.BeginWrite(2));
    }

    private static byte[] Value(long seq) => WrittenValue.ForKey(0, 0, seq);

    private static KeyLedger Key((long Seq, long At)[] acks, long attempted)
    {
        var key = new KeyLedger("k", writer: 0, index: 0);
        foreach (var (seq, at) in acks)
        {
            key.BeginWrite(seq);
            key.Acknowledge(seq, at);
        }

        if (attempted > key.Attempted)
        {
            key.BeginWrite(attempted);
        }

        return key;
    }
}
