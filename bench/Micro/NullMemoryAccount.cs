using Grid.Grains.Memory;

namespace Grid.Bench.Micro;

/// <summary>No memory budget: the micro-benchmarks measure the store, not the silo's memory limit.</summary>
internal sealed class NullMemoryAccount : IMemoryAccount
{
    /// <inheritdoc/>
    public void Add(long deltaBytes)
    {
    }
}
