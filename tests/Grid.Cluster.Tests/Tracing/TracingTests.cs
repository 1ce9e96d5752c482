using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Grid.Client;
using Grid.Partitioning;

namespace Grid.Cluster.Tests.Tracing;

/// <summary>
/// One trace from an application's span through the client's batch to the silo's batch entry and the partition that ran
/// the operation, and replication's shipment and apply as a trace of their own. The listener is process-wide, so the
/// assertions pick this test's trace (other tests of the cluster run meanwhile and are traced too).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TracingTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_cache_call_is_one_trace_from_the_callers_span_to_the_partition_that_ran_it()
    {
        using var app = new ActivitySource("Grid.Cluster.Tests.App");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = SpanListener.Listen(stopped, GridTracing.SourceName, app.Name);
        string key = $"tracing:{Guid.NewGuid():N}";

        Activity request;
        using (request = app.StartActivity("request", ActivityKind.Server)!)
        {
            await fixture.Cache.SetStringAsync(key, "v");
        }

        Activity? send = null, execute = null, partition = null;
        await Poll.UntilAsync(() =>
        {
            var trace = stopped.Where(span => span.TraceId == request.TraceId).ToArray();
            send = trace.FirstOrDefault(span => span.OperationName == GridTracing.BatchSend && span.ParentSpanId == request.SpanId);
            execute = send is null ? null : trace.FirstOrDefault(span => span.OperationName == GridTracing.BatchExecute && span.ParentSpanId == send.SpanId);
            partition = execute is null ? null : trace.FirstOrDefault(span => span.OperationName == GridTracing.PartitionExecute && span.ParentSpanId == execute.SpanId);
            return Task.FromResult(partition is not null);
        }, Bound, $"the spans of one trace reached the partition (seen: {Describe(stopped, request.TraceId)})");

        Assert.Equal(ActivityKind.Client, send!.Kind);
        Assert.Equal(ActivityKind.Server, execute!.Kind);
        Assert.Equal(1, execute.GetTagItem("grid.batch.ops"));
        Assert.Equal(PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), PartitionHasher.DefaultPartitionCount), partition!.GetTagItem("grid.partition"));
    }

    [Fact]
    public async Task Replication_ships_under_a_span_whose_child_is_the_replica_silos_apply()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = SpanListener.Listen(stopped, GridTracing.SourceName);

        Activity? ship = null, apply = null;
        await Poll.UntilAsync(async () =>
        {
            // Writes go on until one of their shipments is seen under the listener (shipments started before it are not).
            await fixture.Cache.SetStringAsync($"tracing:replicated:{Guid.NewGuid():N}", "v");
            var spans = stopped.ToArray();
            apply = spans.FirstOrDefault(span => span.OperationName == GridTracing.ReplicationApply
                && spans.Any(other => other.OperationName == GridTracing.ReplicationShip && other.SpanId == span.ParentSpanId));
            ship = apply is null ? null : spans.First(span => span.SpanId == apply.ParentSpanId);
            return apply is not null;
        }, Bound, "a replication shipment and its apply were traced");

        Assert.Equal(ship!.TraceId, apply!.TraceId);
        Assert.Null(ship.ParentId);
        Assert.Equal(ActivityKind.Client, ship.Kind);
        Assert.Equal(ActivityKind.Server, apply.Kind);
        Assert.True((int)ship.GetTagItem("grid.replication.items")! >= 1);
    }

    private static string Describe(ConcurrentQueue<Activity> stopped, ActivityTraceId trace) =>
        string.Join(", ", stopped.Where(span => span.TraceId == trace).Select(span => $"{span.OperationName} {span.SpanId} <- {span.ParentSpanId}"));
}
