namespace Grid.Grains.Partitions;

/// <summary>
/// One activation's exclusive turn at a partition's hand-over on this silo (<see cref="PartitionStoreRegistry.EnterAsync"/>);
/// disposing it lets the next activation in.
/// </summary>
internal readonly struct PartitionTurn(SemaphoreSlim turn) : IDisposable
{
    public void Dispose() => turn.Release();
}
