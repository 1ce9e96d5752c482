using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Client.Tests.Fakes;

/// <summary>
/// One batch call a <see cref="FakeSiloEntryGrain"/> received: the decoded request frame, and the answer the test gives
/// when it chooses. The answer completes the call inline, outside xunit's synchronization context (as Orleans completes
/// responses, on a thread without one), so the channel's work on the answer is done when <see cref="Answer"/> returns
/// and a test never waits for it.
/// </summary>
internal sealed class EntryCall
{
    private readonly TaskCompletionSource<SiloBatchResult> _answer = new();

    private EntryCall(RequestOrigin origin, int trackingSlot, SentOp[] ops)
    {
        Origin = origin;
        TrackingSlot = trackingSlot;
        Ops = ops;
    }

    /// <summary>The frame's request origin (client id and completed-below mark).</summary>
    public RequestOrigin Origin { get; }

    /// <summary>The frame's near-cache tracking slot (-1: none).</summary>
    public int TrackingSlot { get; }

    /// <summary>The <c>traceparent</c> entry of the request context the call was made with (null: none).</summary>
    public string? TraceParent { get; private set; }

    /// <summary>The operations, in frame order.</summary>
    public SentOp[] Ops { get; }

    /// <summary>The keys of <see cref="Ops"/>, in order.</summary>
    public string[] Keys => Array.ConvertAll(Ops, static op => op.Key);

    /// <summary>What the fake grain returns to the channel.</summary>
    public Task<SiloBatchResult> Result => _answer.Task;

    public static EntryCall Decode(byte[] requestFrame)
    {
        var reader = new OpFrameReader(requestFrame);
        var ops = new SentOp[reader.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            if (!reader.TryRead(out var op, out _, out _))
            {
                throw new FormatException($"The request frame announced {ops.Length} operations but held {i}.");
            }

            ops[i] = new SentOp(op.Code, Encoding.UTF8.GetString(op.Key), op.RequestId);
        }

        return new EntryCall(reader.Origin, reader.TrackingSlot, ops) { TraceParent = Orleans.Runtime.RequestContext.Get("traceparent") as string };
    }

    /// <summary>Answers every operation with <paramref name="result"/>'s result for it.</summary>
    public void Answer(Func<SentOp, GridResult> result, PartitionLocation[]? moved = null)
    {
        using var frame = new FrameBuffer(64);
        ResultFrame.WriteHeader(frame, Ops.Length);
        foreach (var op in Ops)
        {
            ResultFrame.Write(frame, result(op));
        }

        Complete(new SiloBatchResult(frame.ToArray(), moved), null);
    }

    /// <summary>Answers every operation with a success whose number is the op's position in the batch plus one.</summary>
    public void AnswerOk()
    {
        int position = 0;
        Answer(_ => GridResult.OfNumber(++position));
    }

    /// <summary>Answers with a result frame as given (malformed frames included).</summary>
    public void AnswerFrame(byte[] resultFrame) => Complete(new SiloBatchResult(resultFrame, null), null);

    /// <summary>The call fails (the grain threw, or Orleans could not deliver it).</summary>
    public void Fail(Exception error) => Complete(null, error);

    /// <summary>
    /// Completes the call with no synchronization context on the thread: under xunit's, the channel's awaits would be
    /// posted to the thread pool instead of running here, and the test would race them.
    /// </summary>
    private void Complete(SiloBatchResult? result, Exception? error)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            if (error is null)
            {
                _answer.SetResult(result!);
            }
            else
            {
                _answer.SetException(error);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
