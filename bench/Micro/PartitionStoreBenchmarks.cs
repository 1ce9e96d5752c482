// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using BenchmarkDotNet.Attributes;
using Grid.Bench.Load;
using Grid.Grains.Storage;
using Grid.Protocol.Wire;
using FrameBuffer = grains::Grid.Protocol.Wire.FrameBuffer;
using OpFrameReader = grains::Grid.Protocol.Wire.OpFrameReader;

namespace Grid.Bench.Micro;

/// <summary>
/// One partition's store, single-threaded, pre-filled with 100-byte values (about what a partition holds with 1M keys
/// over 1,024 partitions): get (hit) and overwrite, each on a different key every call, on the silo's real path
/// (an op read from a request frame, its result written into a response frame).
/// </summary>
[MemoryDiagnoser]
public class PartitionStoreBenchmarks
{
    private const int ValueSize = 100;

    private PartitionStore _store = null!;
    private byte[][] _gets = null!;
    private byte[][] _sets = null!;
    private readonly FrameBuffer _output = new(4096);
    private int _next;

    [Params(1_000)]
    public int Entries { get; set; }

    /// <summary>Whether the store counts keys for the silo's hot-key view (on by default in a silo).</summary>
    [Params(false, true)]
    public bool HotKeys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var hotKeys = HotKeys ? new Grid.Grains.HotKeys.HotKeyTracker(new Grid.Grains.Hosting.GridHotKeyOptions(), TimeProvider.System) : null;
        _store = new PartitionStore(0, GridClock.System, new NullMemoryAccount(), hotKeys: hotKeys);
        var value = KeySpace.Value(ValueSize);
        _gets = new byte[Entries][];
        _sets = new byte[Entries][];
        for (int i = 0; i < Entries; i++)
        {
            (_gets[i], _sets[i]) = StoreFill.Put(_store, i, value);
        }
    }

    [Benchmark(Description = "PartitionStore get (hit, 100 B)")]
    public int Get() => Run(_gets[NextIndex()]);

    [Benchmark(Description = "PartitionStore set (overwrite, 100 B)")]
    public int Set() => Run(_sets[NextIndex()]);

    private int Run(byte[] frame)
    {
        var reader = new OpFrameReader(frame);
        reader.TryRead(out var op, out _, out _);
        _output.Reset();
        return (int)_store.Execute(op, _output, GridClock.System.NowMs);
    }

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
}
