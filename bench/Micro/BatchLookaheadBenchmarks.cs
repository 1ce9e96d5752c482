// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using BenchmarkDotNet.Attributes;
using Grid.Bench.Load;
using Grid.Grains.Hosting;
using Grid.Grains.HotKeys;
using Grid.Grains.Partitions;
using Grid.Grains.Silo;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using FrameBuffer = grains::Grid.Protocol.Wire.FrameBuffer;
using GridOp = grains::Grid.Protocol.GridOp;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using OpFrameReader = grains::Grid.Protocol.Wire.OpFrameReader;
using ResultStatus = grains::Grid.Protocol.ResultStatus;

namespace Grid.Bench.Micro;

/// <summary>
/// A silo's batch path on cold caches, with and without <see cref="BatchLookahead"/>: batches of 32 GETs of random keys
/// (100,000 keys of 100 bytes over 1,024 partitions' stores, each key in the store of its real partition) run as the
/// silo's batch entry runs them (partition, store, <see cref="PartitionStore.Execute(in grains::Grid.Protocol.Wire.OpView, FrameBuffer, long, int, BatchContext?)"/>),
/// so the figure per operation shows what overlapping the batch's cache misses saves.
/// </summary>
[MemoryDiagnoser]
public class BatchLookaheadBenchmarks
{
    private const int ValueSize = 100;
    private const int Entries = 100_000;
    private const int Partitions = 1_024;
    private const int BatchSize = 32;
    private const int Batches = 4_096;

    private readonly FrameBuffer _output = new(16 * 1024);
    private PartitionStoreRegistry _registry = null!;
    private byte[][] _frames = null!;
    private int _next;
    private long _now;

    /// <summary>Whether the batch runs the lookahead first.</summary>
    [Params(false, true)]
    public bool Lookahead { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var hotKeys = new HotKeyTracker(new GridHotKeyOptions(), TimeProvider.System);
        _registry = new PartitionStoreRegistry(Partitions);
        var stores = new PartitionStore[Partitions];
        for (int p = 0; p < Partitions; p++)
        {
            stores[p] = new PartitionStore(p, GridClock.System, new NullMemoryAccount(), hotKeys: hotKeys);
            _registry.Register(stores[p]);
        }

        var value = KeySpace.Value(ValueSize);
        var keys = new byte[Entries][];
        for (int i = 0; i < Entries; i++)
        {
            keys[i] = System.Text.Encoding.UTF8.GetBytes(KeySpace.Key(i));
            var store = stores[PartitionHasher.GetPartition(keys[i], Partitions)];
            store.Execute(new GridOp { Code = OpCode.Set, Key = keys[i], Value = (byte[])value.Clone() });
        }

        var random = new Random(42);
        _frames = new byte[Batches][];
        for (int b = 0; b < Batches; b++)
        {
            var ops = new GridOp[BatchSize];
            for (int i = 0; i < ops.Length; i++)
            {
                ops[i] = new GridOp { Code = OpCode.Get, Key = keys[random.Next(Entries)] };
            }

            _frames[b] = OpFrame.Encode(ops);
        }

        _now = GridClock.System.NowMs;
    }

    [Benchmark(Description = "Batch of 32 cold GETs, per op", OperationsPerInvoke = BatchSize)]
    public int RunBatch()
    {
        var frame = _frames[_next];
        _next = (_next + 1) & (Batches - 1);
        int[]? partitions = null;
        if (Lookahead)
        {
            BatchLookahead.Run(frame, _registry, Partitions, out partitions);
        }

        _output.Reset();
        var reader = new OpFrameReader(frame);
        int hits = 0;
        for (int i = 0; reader.TryRead(out var op, out _, out _); i++)
        {
            int partition = partitions is null ? PartitionHasher.GetPartition(op.Key, Partitions) : partitions[i];
            if (_registry.TryGet(partition) is { } store && store.Execute(op, _output, _now) == ResultStatus.Ok)
            {
                hits++;
            }
        }

        if (partitions is not null)
        {
            System.Buffers.ArrayPool<int>.Shared.Return(partitions);
        }

        return hits;
    }
}
