// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using BenchmarkDotNet.Attributes;
using Grid.Grains.Memory;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Protocol;
using FrameBuffer = grains::Grid.Protocol.Wire.FrameBuffer;
using GridOp = grains::Grid.Protocol.GridOp;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using OpFrameReader = grains::Grid.Protocol.Wire.OpFrameReader;

namespace Grid.Bench.Micro;

/// <summary>
/// HSET on a 10,000-field hash with the replication listener's work per change: none (no replica), the whole-structure
/// copy the outbox made before (<see cref="StructureSnapshot.From"/> under the partition's lock, then the copy encoded
/// for the wire), and the delta it makes now (<see cref="ReplicaItem.From"/>, then the frame encoded). Bytes per
/// change are reported by <see cref="FrameBytes"/> (printed in the global setup).
/// </summary>
[MemoryDiagnoser]
public class ReplicationDeltaBenchmarks
{
    private readonly FrameBuffer _output = new(4096);
    private PartitionStore _bare = null!;
    private PartitionStore _whole = null!;
    private PartitionStore _delta = null!;
    private byte[][] _sets = null!;
    private int _next;

    [Params(10_000)]
    public int Fields { get; set; }

    /// <summary>Bytes on the wire for one HSET: (whole structure, delta).</summary>
    public static (int Whole, int Delta) FrameBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _bare = Filled(null);
        var whole = new Shipper(delta: false);
        _whole = Filled(whole);
        var delta = new Shipper(delta: true);
        _delta = Filled(delta);
        _sets = new byte[Fields][];
        for (int i = 0; i < Fields; i++)
        {
            _sets[i] = OpFrame.Encode([new GridOp { Code = OpCode.HashSet, Key = "big"u8.ToArray(), Field = $"field:{i}", Value = new byte[16] }]);
        }

        Run(_whole, _sets[0]);
        Run(_delta, _sets[0]);
        FrameBytes = (whole.LastFrameBytes, delta.LastFrameBytes);
        Console.WriteLine($"// HSET on a {Fields}-field hash ships {whole.LastFrameBytes} B as a whole structure, {delta.LastFrameBytes} B as a delta");
    }

    [Benchmark(Baseline = true, Description = "HSET, 10k-field hash, no replication")]
    public int NoReplication() => Run(_bare, _sets[NextIndex()]);

    [Benchmark(Description = "HSET, 10k-field hash, whole-structure copy (before)")]
    public int WholeStructure() => Run(_whole, _sets[NextIndex()]);

    [Benchmark(Description = "HSET, 10k-field hash, delta frame (after)")]
    public int Delta() => Run(_delta, _sets[NextIndex()]);

    private PartitionStore Filled(IStoreChangeListener? listener)
    {
        var store = new PartitionStore(0, GridClock.System, new NullMemoryAccount(), listener);
        for (int i = 0; i < Fields; i++)
        {
            store.Execute(new GridOp { Code = OpCode.HashSet, Key = "big"u8.ToArray(), Field = $"field:{i}", Value = new byte[16] });
        }

        return store;
    }

    private int Run(PartitionStore store, byte[] frame)
    {
        var reader = new OpFrameReader(frame);
        reader.TryRead(out var op, out _, out _);
        _output.Reset();
        return (int)store.Execute(op, _output, GridClock.System.NowMs);
    }

    private int NextIndex()
    {
        int i = _next + 1;
        if (i == Fields)
        {
            i = 0;
        }

        _next = i;
        return i;
    }

    /// <summary>What the outbox and its pump do for each change, minus the queueing and the send.</summary>
    private sealed class Shipper(bool delta) : IStoreChangeListener
    {
        public int LastFrameBytes { get; private set; }

        public void OnChanged(in StoreChange change)
        {
            var item = ReplicaItem.From(change);
            if (!delta && change.Complex is { } complex)
            {
                // Before: every write of a hash or list copied the whole structure.
                item = new ReplicaItem { Kind = ReplicaItemKind.Write, Partition = change.Partition, Version = change.Version, Structure = StructureSnapshot.From(complex) };
            }

            LastFrameBytes = ReplicaFrame.Encode([item]).Length;
        }
    }
}
