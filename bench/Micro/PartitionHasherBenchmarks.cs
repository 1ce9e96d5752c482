using BenchmarkDotNet.Attributes;
using Grid.Partitioning;

namespace Grid.Bench.Micro;

/// <summary>Key → partition, as every client operation and every silo batch does it.</summary>
[MemoryDiagnoser]
public class PartitionHasherBenchmarks
{
    private readonly byte[] _key = "key:0001234"u8.ToArray();
    private readonly byte[] _taggedKey = "session:{user:42}:cart:items"u8.ToArray();

    [Benchmark(Baseline = true, Description = "GetPartition key:0001234")]
    public int PlainKey() => PartitionHasher.GetPartition(_key, PartitionHasher.DefaultPartitionCount);

    [Benchmark(Description = "GetPartition with {hash tag}")]
    public int HashTaggedKey() => PartitionHasher.GetPartition(_taggedKey, PartitionHasher.DefaultPartitionCount);
}
