namespace Grid.Grains.Memory;

/// <summary>Where a store reports changes of its accounted bytes (the silo's memory budget).</summary>
internal interface IMemoryAccount
{
    void Add(long deltaBytes);
}
