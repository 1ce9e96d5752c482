using System.Runtime.CompilerServices;
using System.Text;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grid.Grains.HotKeys;

/// <summary>
/// The silo's approximate top keys by reads and by writes: one <see cref="CountMinSketch"/> and one
/// <see cref="TopKeys"/> list for each, fed by a random sample of the operations the silo's stores run (one in
/// <see cref="GridHotKeyOptions.SampleEvery"/>; from many threads, without locks or allocation in the common case),
/// halved every <see cref="GridHotKeyOptions.DecayInterval"/>.
/// </summary>
internal sealed class HotKeyTracker
{
    // The clock is read once every this many counts (a power of two), not on every operation.
    private const int DecayCheckMask = 1023;

    // Slots of the table of keys whose last counted read was marked hot (by hash; a power of two).
    private const int MarkedSlots = 64;

    // Each thread's sampling state (xorshift32): no shared write on operations that are not counted.
    [ThreadStatic]
    private static uint t_random;

    private readonly CountMinSketch _reads;
    private readonly CountMinSketch _writes;
    private readonly TopKeys _topReads;
    private readonly TopKeys _topWrites;
    private readonly TimeProvider _time;
    private readonly long _decayTicks;
    private readonly double _decaySeconds;
    private readonly Lock _decayGate = new();

    // The read estimate a top key must reach to be marked hot (GridHotKeyOptions.HintReadsPerSecond): a decayed count
    // settles at about twice the counted reads of one decay period. uint.MaxValue: never.
    private readonly uint _hintEstimate;

    // SampleEvery - 1: an operation is counted when its random number has none of these bits.
    private readonly uint _sampleMask;

    // Hashes of keys a counted read marked hot, so the reads between counted ones are marked too (one load each).
    private readonly ulong[] _marked = new ulong[MarkedSlots];
    private long _nextDecay;
    private int _counted;

    public HotKeyTracker(IOptions<GridSiloOptions> options, GridClock clock)
        : this(options.Value.HotKeys, clock.TimeProvider)
    {
    }

    public HotKeyTracker(GridHotKeyOptions options, TimeProvider time)
    {
        Enabled = options.Enabled;
        _time = time;
        int width = options.Enabled ? options.SketchWidth : 16;
        _reads = new CountMinSketch(width);
        _writes = new CountMinSketch(width);
        _topReads = new TopKeys(_reads, options.TopKeys);
        _topWrites = new TopKeys(_writes, options.TopKeys);
        SampleEvery = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, options.SampleEvery));
        _sampleMask = (uint)SampleEvery - 1;
        _decaySeconds = options.DecayInterval.TotalSeconds;
        _decayTicks = (long)(options.DecayInterval.TotalSeconds * time.TimestampFrequency);
        _nextDecay = time.GetTimestamp() + _decayTicks;
        _hintEstimate = options.HintReadsPerSecond <= 0
            ? uint.MaxValue
            : (uint)Math.Clamp(2 * options.DecayInterval.TotalSeconds * options.HintReadsPerSecond / SampleEvery, 1, uint.MaxValue - 1);
    }

    /// <summary>One operation in this many is counted (<see cref="GridHotKeyOptions.SampleEvery"/>, a power of two).</summary>
    public int SampleEvery { get; }

    /// <summary>Whether operations are counted (<see cref="GridHotKeyOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Offers one operation on <paramref name="key"/> (its 64-bit store hash <paramref name="hash"/>), counted when the
    /// sample picks it; for a read, true when the key is hot enough to be marked so in the answer (a top read key above
    /// <see cref="GridHotKeyOptions.HintReadsPerSecond"/>, as its last counted read found).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Count(ulong hash, ReadOnlySpan<byte> key, bool write)
    {
        if ((NextRandom() & _sampleMask) != 0)
        {
            return !write && hash != 0 && MarkedSlot(hash) == hash;
        }

        return CountSampled(hash, key, write);
    }

    private bool CountSampled(ulong hash, ReadOnlySpan<byte> key, bool write)
    {
        bool hot = false;
        if (write)
        {
            _topWrites.Offer(hash, key, _writes.Add(hash));
        }
        else
        {
            uint estimate = _reads.Add(hash);
            hot = _topReads.Offer(hash, key, estimate) && estimate >= _hintEstimate;
            ref ulong marked = ref MarkedSlot(hash);
            if (hot)
            {
                marked = hash;
            }
            else if (marked == hash)
            {
                marked = 0;
            }
        }

        if ((++_counted & DecayCheckMask) == 0)
        {
            DecayIfDue();
        }

        return hot;
    }

    /// <summary>Where a key with this hash is recorded as marked hot (<see cref="_marked"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong MarkedSlot(ulong hash) => ref _marked[(int)hash & (MarkedSlots - 1)];

    /// <summary>The calling thread's next random number (xorshift32, seeded from the thread's id).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint NextRandom()
    {
        uint x = t_random;
        if (x == 0)
        {
            x = ((uint)Environment.CurrentManagedThreadId * 0x9E3779B9u) | 1;
        }

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        t_random = x;
        return x;
    }

    /// <summary>Halves every count if a decay period has passed (also called before a snapshot, so an idle silo's figures fall too).</summary>
    public void DecayIfDue()
    {
        long now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextDecay))
        {
            return;
        }

        lock (_decayGate)
        {
            while (now >= _nextDecay)
            {
                _reads.Halve();
                _writes.Halve();
                _topReads.Decayed();
                _topWrites.Decayed();

                // Keys still hot are marked again by their next counted read.
                Array.Clear(_marked);
                _nextDecay += _decayTicks;
            }
        }
    }

    /// <summary>
    /// The <paramref name="top"/> hottest keys by reads plus writes. A decayed count settles at about twice the
    /// operations of one decay period (n + n/2 + n/4 + ...), which gives the per-second figures.
    /// </summary>
    public GridHotKey[] Snapshot(int top, string silo)
    {
        DecayIfDue();
        var merged = new Dictionary<ulong, (byte[] Key, uint Reads, uint Writes)>();
        // Each list's snapshot already carries its own sketch's estimate; only the other sketch is asked.
        foreach (var (key, hash, reads) in _topReads.Snapshot())
        {
            merged[hash] = (key, reads, _writes.Estimate(hash));
        }

        foreach (var (key, hash, writes) in _topWrites.Snapshot())
        {
            merged.TryAdd(hash, (key, _reads.Estimate(hash), writes));
        }

        var keys = new List<GridHotKey>(merged.Count);
        double perSecond = SampleEvery / (2 * _decaySeconds);
        foreach (var (key, reads, writes) in merged.Values)
        {
            // A key whose counts decayed to nothing (read long ago, or removed) is not hot: listed, it read as "0.0/s".
            if (reads == 0 && writes == 0)
            {
                continue;
            }

            keys.Add(new GridHotKey
            {
                Key = Encoding.UTF8.GetString(key),
                ReadsPerSecond = reads * perSecond,
                WritesPerSecond = writes * perSecond,
                Silo = silo,
            });
        }

        keys.Sort(static (a, b) => b.OperationsPerSecond.CompareTo(a.OperationsPerSecond));
        return keys.Count <= top ? [.. keys] : [.. keys.GetRange(0, top)];
    }
}
