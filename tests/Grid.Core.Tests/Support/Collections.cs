namespace Grid.Core.Tests.Support;

/// <summary>Tests that measure the whole process's GC heap: they run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurementCollection
{
    public const string Name = "Heap measurement";
}
