namespace Grid.Client.Metrics;

/// <summary>A write-behind queue whose depth the metrics report.</summary>
internal interface IWriteBehindQueue
{
    long Pending { get; }
}
