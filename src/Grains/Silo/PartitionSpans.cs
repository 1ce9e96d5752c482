using System.Diagnostics;
using Grid.Tracing;

namespace Grid.Grains.Silo;

/// <summary>
/// The <see cref="GridTracing.PartitionExecute"/> spans of a traced batch's operations run on this silo's stores: one
/// span per run of consecutive operations on the same partition (the batch runs its operations in order, so a run is
/// the only slice whose time can be told apart). Created only for a traced batch, under its span.
/// </summary>
internal sealed class PartitionSpans
{
    private Activity? _open;
    private int _partition = -1;
    private int _ops;

    /// <summary>The next operation runs on <paramref name="partition"/>: continues the open run, or ends it and starts another.</summary>
    public void Enter(int partition)
    {
        if (_open is not null && partition == _partition)
        {
            _ops++;
            return;
        }

        Close();
        _open = GridActivities.Source.StartActivity(GridTracing.PartitionExecute, ActivityKind.Internal);
        _open?.SetTag("grid.partition", partition);
        _partition = partition;
        _ops = 1;
    }

    /// <summary>Ends the open run's span, if any (the current activity goes back to the batch's span).</summary>
    public void Close()
    {
        if (_open is { } open)
        {
            open.SetTag("grid.partition.ops", _ops);
            open.Dispose();
            _open = null;
        }
    }
}
