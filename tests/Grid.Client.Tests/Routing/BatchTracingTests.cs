using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Orleans.Runtime;

namespace Grid.Client.Tests.Routing;

/// <summary>
/// The client's <c>grid.batch.send</c> spans: a batch joins its callers' traces and carries its own span to the silo in
/// the request context; with nobody listening, nothing is started and nothing travels. Not run in parallel with other
/// tests: an <see cref="ActivityListener"/> is process-wide.
/// </summary>
[Collection(Name)]
public sealed class BatchTracingTests
{
    public const string Name = "tracing (process-wide listener)";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly FakeSiloEntryGrain _silo = new();
    private readonly FakeBatchListener _listener = new();

    [Fact]
    public async Task A_batch_is_a_child_of_its_first_callers_span_links_the_others_and_carries_its_span_to_the_silo()
    {
        using var callers = new ActivitySource("Grid.Client.Tests.Callers");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = SpanListener.Listen(stopped, GridTracing.SourceName, callers.Name);
        var channel = new SiloChannel(TestOps.Silo(1), _silo, _listener, maxBatch: 256, maxInFlight: 1);

        var (a, spanA) = Call(callers, "caller a", "a");
        var (b, spanB) = Call(callers, "caller b", "b");
        var (c, spanC) = Call(callers, "caller c", "c");
        channel.Enqueue(a);
        channel.Enqueue(b);
        channel.Enqueue(c);

        // Nothing the channel put in the request context is left in the caller's.
        Assert.Null(RequestContext.Get("traceparent"));
        _silo[0].AnswerOk();
        _silo[1].AnswerOk();
        await Task.WhenAll(a.Task, b.Task, c.Task).WaitAsync(Bound);

        var sends = stopped.Where(span => span.OperationName == GridTracing.BatchSend).ToArray();
        Assert.Equal(2, sends.Length);
        var first = sends.Single(span => span.ParentSpanId == spanA.SpanId);
        Assert.Equal(spanA.TraceId, first.TraceId);
        Assert.Equal(ActivityKind.Client, first.Kind);
        Assert.Equal(1, first.GetTagItem("grid.batch.ops"));
        Assert.Equal(first.Id, _silo[0].TraceParent);

        // The second batch carries b and c: b's trace, and a link to c's.
        var second = sends.Single(span => span.ParentSpanId == spanB.SpanId);
        Assert.Equal(spanB.TraceId, second.TraceId);
        Assert.Equal(2, second.GetTagItem("grid.batch.ops"));
        Assert.Equal(spanC.SpanId, Assert.Single(second.Links).Context.SpanId);
        Assert.Equal(second.Id, _silo[1].TraceParent);
    }

    [Fact]
    public async Task A_batch_with_no_traced_caller_starts_a_trace_of_its_own()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = SpanListener.Listen(stopped, GridTracing.SourceName);
        var channel = new SiloChannel(TestOps.Silo(1), _silo, _listener, maxBatch: 256, maxInFlight: 1);
        var op = TestOps.Pending(TestOps.Get("a"));

        channel.Enqueue(op);
        _silo[0].AnswerOk();
        await op.Task.WaitAsync(Bound);

        var send = Assert.Single(stopped, span => span.OperationName == GridTracing.BatchSend);
        Assert.Null(send.ParentId);
        Assert.Equal(send.Id, _silo[0].TraceParent);
    }

    [Fact]
    public async Task Without_a_listener_no_span_starts_and_no_trace_context_travels()
    {
        var channel = new SiloChannel(TestOps.Silo(1), _silo, _listener, maxBatch: 256, maxInFlight: 1);
        using var caller = new Activity("caller").Start();
        var op = TestOps.Pending(TestOps.Get("a"));

        channel.Enqueue(op);
        _silo[0].AnswerOk();
        await op.Task.WaitAsync(Bound);

        Assert.Null(op.Caller);
        Assert.Null(_silo[0].TraceParent);
        Assert.Same(caller, Activity.Current);
    }

    /// <summary>A pending op created under a new span of <paramref name="source"/> (stopped again, as a caller's would be later).</summary>
    private static (PendingOp Op, Activity Span) Call(ActivitySource source, string name, string key)
    {
        using var span = source.StartActivity(name) ?? throw new InvalidOperationException("The test's source has no listener.");
        return (TestOps.Pending(TestOps.Get(key)), span);
    }
}

[CollectionDefinition(BatchTracingTests.Name, DisableParallelization = true)]
public sealed class BatchTracingCollection
{
}
