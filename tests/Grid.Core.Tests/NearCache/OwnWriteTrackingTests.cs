using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Core.Tests.NearCache;

/// <summary>
/// A near-cache client's own tracked string write is not pushed back to it when it holds the key only through its own
/// earlier tracked write (like Redis's NOLOOP), and is in every other case: after it read the key back from the grid
/// (that read's answer may arrive after the write's), for another client's write, and for its own changes that are not
/// tracked writes.
/// </summary>
public sealed class OwnWriteTrackingTests
{
    private const int Writer = 3;
    private const int Other = 5;

    private readonly Recorder _changes = new();
    private readonly CountingTracker _tracker = new();
    private readonly PartitionStore _store;

    public OwnWriteTrackingTests() => _store = new PartitionStore(0, GridClock.System, new CountingAccount(), _changes, _tracker);

    [Fact]
    public void A_write_after_the_writers_own_tracked_write_is_not_pushed_back_to_it()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(TrackedSet("k", "2"), Writer);

        Assert.Equal(0UL, _changes.TrackersOf("k"));
    }

    [Fact]
    public void A_write_after_the_writer_read_the_key_back_is_pushed_to_it()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(TrackedGet("k"), Writer);
        Run(TrackedSet("k", "2"), Writer);

        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));
    }

    [Fact]
    public void Other_readers_are_told_and_the_writer_is_not()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(TrackedGet("k"), Other);
        Run(TrackedSet("k", "2"), Writer);

        Assert.Equal(1UL << Other, _changes.TrackersOf("k"));
    }

    [Fact]
    public void Another_clients_write_reaches_the_writer()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(TrackedSet("k", "2"), Other);

        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));
    }

    [Fact]
    public void The_writers_own_changes_that_are_not_tracked_writes_reach_it()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(new GridOp { Code = OpCode.Set, Key = Bytes("k"), Value = Bytes("2") }, Writer);
        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));

        Run(TrackedSet("k", "3"), Writer);
        Run(new GridOp { Code = OpCode.Remove, Key = Bytes("k") }, Writer);
        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));
    }

    [Fact]
    public void A_writer_that_tracks_the_key_stays_its_only_tracker_through_its_writes()
    {
        Run(TrackedSet("k", "1"), Writer);
        Run(TrackedGet("k"), Other);
        Assert.Equal(1, _tracker.Reserved);

        // The writer's writes keep one tracked key (not released and reserved again), and drop the other reader.
        for (int i = 2; i <= 5; i++)
        {
            Run(TrackedSet("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Writer);
            Assert.Equal(1, _tracker.Reserved);
        }

        Assert.Equal(0UL, _changes.TrackersOf("k"));
        Run(TrackedSet("k", "6"), Other);
        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));
        Assert.Equal(1, _tracker.Reserved);
    }

    [Fact]
    public void A_writer_that_did_not_track_the_key_is_tracked_after_its_write_and_the_readers_are_told()
    {
        Run(new GridOp { Code = OpCode.Set, Key = Bytes("k"), Value = Bytes("0") }, Other);
        Run(TrackedGet("k"), Other);
        Run(TrackedSet("k", "1"), Writer);
        Assert.Equal(1UL << Other, _changes.TrackersOf("k"));

        Run(TrackedSet("k", "2"), Writer);
        Assert.Equal(0UL, _changes.TrackersOf("k"));
        Assert.Equal(1, _tracker.Reserved);

        Run(new GridOp { Code = OpCode.Remove, Key = Bytes("k") }, Other);
        Assert.Equal(1UL << Writer, _changes.TrackersOf("k"));
        Assert.Equal(0, _tracker.Reserved);
    }

    private static GridOp TrackedSet(string key, string value) => new() { Code = OpCode.Set, Key = Bytes(key), Value = Bytes(value), Flags = OpFlags.Track };

    private static GridOp TrackedGet(string key) => new() { Code = OpCode.Get, Key = Bytes(key), Flags = OpFlags.Track };

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private void Run(GridOp op, int slot)
    {
        var reader = new OpFrameReader(OpFrame.Encode([op]));
        reader.TryRead(out var view, out _, out _);
        using var output = new FrameBuffer();
        Assert.Equal(ResultStatus.Ok, _store.Execute(view, output, GridClock.System.NowMs, slot));
    }

    /// <summary>The trackers of each key's last change.</summary>
    private sealed class Recorder : IStoreChangeListener
    {
        private readonly Dictionary<string, ulong> _last = [];

        public ulong TrackersOf(string key) => _last.TryGetValue(key, out ulong bits) ? bits : 0;

        public void OnChanged(in StoreChange change) => _last[Encoding.UTF8.GetString(change.Key)] = change.Trackers;
    }

    /// <summary>Counts the keys tracked (reserved and not released).</summary>
    private sealed class CountingTracker : IReadTracker
    {
        public int Reserved { get; private set; }

        public bool TryReserve()
        {
            Reserved++;
            return true;
        }

        public void Release(int keys) => Reserved -= keys;

        public long Sequence(int slot, int partition) => 0;

        public void OnTrackingDropped(int partition, int trackedKeys, BatchContext? context)
        {
        }
    }
}
