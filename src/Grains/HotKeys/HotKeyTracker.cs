using System.Runtime.CompilerServices;
using System.Text;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grid.Grains.HotKeys;

/// <summary>
/// The silo's approximate top keys by reads and by writes: one <see cref="CountMinSketch"/> and one
/// <see cref="TopKeys"/> list for each, fed by every operation the silo's stores run (from many threads, without
/// locks or allocation in the common case), halved every <see cref="GridHotKeyOptions.DecayInterval"/>.
/// </summary>
internal sealed class HotKeyTracker
{
    // The clock is read once every this many counts (a power of two), not on every operation.
    private const int DecayCheckMask = 1023;

    private readonly CountMinSketch _reads;
    private readonly CountMinSketch _writes;
    private readonly TopKeys _topReads;
    private readonly TopKeys _topWrites;
    private readonly TimeProvider _time;
    private readonly long _decayTicks;
    private readonly double _decaySeconds;
    private readonly Lock _decayGate = new();

    // The read estimate a top key must reach to be marked hot (GridHotKeyOptions.HintReadsPerSecond): a decayed count
    // settles at about twice the reads of one decay period. uint.MaxValue: never.
    private readonly uint _hintEstimate;
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
        _decaySeconds = options.DecayInterval.TotalSeconds;
        _decayTicks = (long)(options.DecayInterval.TotalSeconds * time.TimestampFrequency);
        _nextDecay = time.GetTimestamp() + _decayTicks;
        _hintEstimate = options.HintReadsPerSecond <= 0
            ? uint.MaxValue
            : (uint)Math.Clamp(2 * options.DecayInterval.TotalSeconds * options.HintReadsPerSecond, 1, uint.MaxValue - 1);
    }

    /// <summary>Whether operations are counted (<see cref="GridHotKeyOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Counts one operation on <paramref name="key"/> (its 64-bit store hash <paramref name="hash"/>); for a read, true
    /// when the key is hot enough to be marked so in the answer (a top read key above <see cref="GridHotKeyOptions.HintReadsPerSecond"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Count(ulong hash, ReadOnlySpan<byte> key, bool write)
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
        }

        if ((++_counted & DecayCheckMask) == 0)
        {
            DecayIfDue();
        }

        return hot;
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
        double perSecond = 1 / (2 * _decaySeconds);
        foreach (var (key, reads, writes) in merged.Values)
        {
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
