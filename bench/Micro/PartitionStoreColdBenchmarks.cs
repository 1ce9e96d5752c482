// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using BenchmarkDotNet.Attributes;
using Grid.Bench.Load;
using Grid.Grains.Hosting;
using Grid.Grains.HotKeys;
using Grid.Grains.Storage;
using Grid.Protocol.Wire;
using FrameBuffer = grains::Grid.Protocol.Wire.FrameBuffer;
using OpFrameReader = grains::Grid.Protocol.Wire.OpFrameReader;

namespace Grid.Bench.Micro;

/// <summary>
/// The store path with cold caches, as a silo's data plane sees it under uniform traffic: 100,000 keys of 100 bytes
/// spread over 1,024 partitions' stores (the silo's default), each call on a random key, so the store's objects, its
/// index slot, the entry's handle and its record are mostly not in the nearer caches. Hot-key counting is on, as in a
/// silo. Where <see cref="PartitionStoreBenchmarks"/> shows what the code costs, this shows what its memory layout costs
/// (each dependent cache miss on the way to a record).
/// </summary>
[MemoryDiagnoser]
public class PartitionStoreColdBenchmarks
{
    private const int ValueSize = 100;
    private const int Entries = 100_000;
    private const int Partitions = 1_024;

    private readonly FrameBuffer _output = new(4096);
    private PartitionStore[] _stores = null!;
    private byte[][] _gets = null!;
    private byte[][] _sets = null!;
    private uint _next;

    // The silo reads the clock once per batch, not per op.
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        var hotKeys = new HotKeyTracker(new GridHotKeyOptions(), TimeProvider.System);
        _stores = new PartitionStore[Partitions];
        for (int p = 0; p < Partitions; p++)
        {
            _stores[p] = new PartitionStore(p, GridClock.System, new NullMemoryAccount(), hotKeys: hotKeys);
        }

        var value = KeySpace.Value(ValueSize);
        _gets = new byte[Entries][];
        _sets = new byte[Entries][];
        for (int i = 0; i < Entries; i++)
        {
            (_gets[i], _sets[i]) = StoreFill.Put(_stores[i % Partitions], i, value);
        }

        _now = GridClock.System.NowMs;
    }

    [Benchmark(Description = "PartitionStore get, cold (hit, 100 B)")]
    public int Get() => Run(NextIndex(), _gets);

    [Benchmark(Description = "PartitionStore set, cold (overwrite, 100 B)")]
    public int Set() => Run(NextIndex(), _sets);

    private int Run(int index, byte[][] frames)
    {
        var reader = new OpFrameReader(frames[index]);
        reader.TryRead(out var op, out _, out _);
        _output.Reset();
        return (int)_stores[index % Partitions].Execute(op, _output, _now);
    }

    // A linear congruential walk: a random key each call, without Random's cost or state in the measured path.
    private int NextIndex()
    {
        _next = (_next * 1103515245u) + 12345u;
        return (int)(_next % Entries);
    }
}
