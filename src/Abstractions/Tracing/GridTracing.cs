namespace Grid;

/// <summary>
/// Names of Grid's distributed tracing: one <see cref="System.Diagnostics.ActivitySource"/> named
/// <see cref="SourceName"/> in the client and in the silos, and the spans it starts. An application sees the client's
/// spans by listening to that source (with OpenTelemetry: <c>tracing.AddSource(GridTracing.SourceName)</c>); a silo
/// exports its own through OTLP when configured (README: Tracing). With no listener, nothing is started or sent.
/// </summary>
public static class GridTracing
{
    /// <summary>The activity source of the client and of the silos: <c>Grid</c>.</summary>
    public const string SourceName = "Grid";

    /// <summary>Client: one batch of operations sent to one silo, from send to answer (kind Client).</summary>
    public const string BatchSend = "grid.batch.send";

    /// <summary>Silo: the batch entry running one client batch (kind Server; child of <see cref="BatchSend"/>).</summary>
    public const string BatchExecute = "grid.batch.execute";

    /// <summary>
    /// Silo: the operations of one partition within a batch (a run of consecutive operations on a partition live on the
    /// silo, or a partition grain call for a partition that is not).
    /// </summary>
    public const string PartitionExecute = "grid.partition.execute";

    /// <summary>Silo: one shipment of replication items to the silo holding the replicas (kind Client).</summary>
    public const string ReplicationShip = "grid.replication.ship";

    /// <summary>Silo: the replica silo applying one shipment (kind Server; child of <see cref="ReplicationShip"/>).</summary>
    public const string ReplicationApply = "grid.replication.apply";
}
