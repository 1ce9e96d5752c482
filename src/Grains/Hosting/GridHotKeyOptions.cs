using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>Settings of the silo's hot-key tracker (section <c>Grid:HotKeys</c>).</summary>
public sealed class GridHotKeyOptions
{
    /// <summary>Count reads and writes per key (a count-min sketch and a top-k list per silo). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Keys each list (reads, writes) keeps; <c>GetHotKeysAsync</c> answers at most this many per silo. Default 32.</summary>
    [SettingRange(1, 1024)]
    public int TopKeys { get; set; } = 32;

    /// <summary>
    /// Counters per sketch row (4 rows; rounded up to a power of two). A key's estimate overcounts by at most
    /// 2/width of all counted operations (with 94 % probability): 4,096 keeps that under 0.05 %. Memory: 2 × 4 × width × 4 bytes. Default 4,096.
    /// </summary>
    [SettingRange(256, 1 << 20)]
    public int SketchWidth { get; set; } = 4096;

    /// <summary>
    /// Reads per second above which a key among the top reads is marked hot in the answers to plain reads of it, so a
    /// client's near cache keeps it even when its admission would not (a key many clients read is hot here though each
    /// client reads it only now and then; see <c>NearCacheOptions.FollowHotKeyHints</c>). 0: never mark. Default 50.
    /// </summary>
    [SettingRange(0, 1_000_000_000)]
    public int HintReadsPerSecond { get; set; } = 50;

    /// <summary>
    /// Count one operation in this many, picked at random (rounded up to a power of two; rates are scaled back up), so the
    /// data path pays for the sketch on a few operations only. A key hot enough to matter is read thousands of times a
    /// second, so its estimate barely moves; a read of a key marked hot is still marked when it is not counted. 1:
    /// count every operation. Default 8.
    /// </summary>
    [SettingRange(1, 1024)]
    public int SampleEvery { get; set; } = 8;

    /// <summary>How often every count is halved, so the figures follow what is hot now. Default 10 s.</summary>
    [SettingRange("00:00:01", "01:00:00", Rule = "must be between 1 second and 1 hour")]
    public TimeSpan DecayInterval { get; set; } = TimeSpan.FromSeconds(10);
}
