using BenchmarkDotNet.Attributes;
using Grid.Bench.Load;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Bench.Micro;

/// <summary>
/// One partition's store, single-threaded, pre-filled with 100-byte values (about what a partition holds with 1M keys
/// over 1,024 partitions): get (hit) and overwrite, each on a different key every call.
/// </summary>
[MemoryDiagnoser]
public class PartitionStoreBenchmarks
{
    private const int ValueSize = 100;

    private PartitionStore _store = null!;
    private GridOp[] _gets = null!;
    private GridOp[] _sets = null!;
    private int _next;

    [Params(1_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new PartitionStore(0, GridClock.System, new NullMemoryAccount());
        var value = KeySpace.Value(ValueSize);
        _gets = new GridOp[Entries];
        _sets = new GridOp[Entries];
        for (int i = 0; i < Entries; i++)
        {
            var key = System.Text.Encoding.UTF8.GetBytes(KeySpace.Key(i));
            var fill = _store.Execute(new GridOp { Code = OpCode.Set, Key = key, Value = (byte[])value.Clone() });
            if (fill.Status != ResultStatus.Ok)
            {
                throw new InvalidOperationException($"Filling the store failed: {fill.Status} {fill.Error}");
            }

            _gets[i] = new GridOp { Code = OpCode.Get, Key = key };
            _sets[i] = new GridOp { Code = OpCode.Set, Key = key, Value = value };
        }
    }

    [Benchmark(Description = "PartitionStore get (hit, 100 B)")]
    public GridResult Get() => _store.Execute(_gets[NextIndex()]);

    [Benchmark(Description = "PartitionStore set (overwrite, 100 B)")]
    public GridResult Set() => _store.Execute(_sets[NextIndex()]);

    private int NextIndex()
    {
        int i = _next + 1;
        if (i == Entries)
        {
            i = 0;
        }

        _next = i;
        return i;
    }

    private sealed class NullMemoryAccount : IMemoryAccount
    {
        public void Add(long deltaBytes)
        {
        }
    }
}
