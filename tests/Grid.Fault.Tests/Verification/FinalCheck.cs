using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grid.Client;
using Grid.Fault.Tests.Workload;

namespace Grid.Fault.Tests.Verification;

/// <summary>
/// Reads back, after the load, every writer's keys, counter and list through a client without near cache, retrying
/// each read until <see cref="FaultTimings.VerifyBound"/>, and checks them against the writers' logs.
/// </summary>
internal static class FinalCheck
{
    private const int MaxNotes = 10;

    public static async Task<FinalState> RunAsync(IGridCache client, FaultLoad load)
    {
        var state = new FinalState();
        long deadline = Stopwatch.GetTimestamp() + (long)(FaultTimings.VerifyBound.TotalSeconds * Stopwatch.Frequency);
        foreach (var writer in load.Writers)
        {
            var keys = writer.Keys.Select(k => k.Key).ToArray();
            if (await ReadAsync(state, $"writer {writer.Id} keys", () => client.GetManyAsync(keys), deadline) is (true, { } values))
            {
                CheckKeys(state, writer, values);
            }

            if (await ReadAsync(state, writer.Counter.Key, () => client.GetAsync(writer.Counter.Key), deadline) is (true, var counter))
            {
                // A counter reads as its decimal text; a missing one is 0.
                string text = counter is null ? "0" : Encoding.ASCII.GetString(counter);
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long final))
                {
                    Add(state, writer.Counter.Check(final));
                }
                else
                {
                    state.ExactlyOnceViolations++;
                    Note(state, $"{writer.Counter.Key}: not a counter: '{text}'");
                }
            }

            if (await ReadAsync(state, writer.List.Key, () => client.ListRangeAsync(writer.List.Key), deadline) is (true, { } elements))
            {
                Add(state, writer.List.Check(elements));
            }
        }

        return state;
    }

    private static void CheckKeys(FinalState state, Writer writer, byte[]?[] values)
    {
        for (int k = 0; k < values.Length; k++)
        {
            var ledger = writer.Keys[k];
            state.KeysChecked++;
            long acknowledged = ledger.LastAcknowledged;
            if (WrittenValue.SeqOf(values[k], writer.Id, k) is not { } seq || seq > ledger.Attempted)
            {
                state.KeysNeverWritten++;
                Note(state, $"{ledger.Key}: final value never written ('{(values[k] is { } v ? Encoding.ASCII.GetString(v) : "")}')");
            }
            else if (seq < acknowledged)
            {
                state.KeysLost++;
                Note(state, string.Create(CultureInfo.InvariantCulture, $"{ledger.Key}: final seq {seq}, last acknowledged {acknowledged}"));
            }
        }
    }

    private static void Add(FinalState state, ExactlyOnceCheck check)
    {
        state.StructuresLost += check.Lost;
        state.ExactlyOnceViolations += check.Violations;
        foreach (var note in check.Notes)
        {
            Note(state, note);
        }
    }

    private static void Note(FinalState state, string text)
    {
        if (state.Notes.Count < MaxNotes)
        {
            state.Notes.Add(text);
        }
    }

    /// <summary>
    /// One read, retried until it succeeds or the deadline passes; then it is listed as unread. Each try is bounded by
    /// <see cref="FaultTimings.CheckCallBound"/> and by the deadline (with a second at least: a dead cluster costs one
    /// short try per remaining read). Returns whether it was read, and the value.
    /// </summary>
    private static async Task<(bool Found, T? Value)> ReadAsync<T>(FinalState state, string what, Func<ValueTask<T>> read, long deadline)
    {
        while (true)
        {
            var left = TimeSpan.FromSeconds(Math.Max(1, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            var outcome = await BoundedCall.RunAsync(read, left < FaultTimings.CheckCallBound ? left : FaultTimings.CheckCallBound);
            if (outcome.IsOk)
            {
                return (true, outcome.Value);
            }

            string kind = ErrorTally.KindOf(outcome);
            state.Errors[kind] = state.Errors.GetValueOrDefault(kind) + 1;
            if (Stopwatch.GetTimestamp() > deadline)
            {
                state.Unread.Add($"{what} ({kind}: {ErrorTally.MessageOf(outcome)})");
                return (false, default);
            }

            await Task.Delay(500);
        }
    }
}
