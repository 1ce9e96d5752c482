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
    private readonly PartitionStore _store;

    public OwnWriteTrackingTests() => _store = new PartitionStore(0, GridClock.System, new CountingAccount(), _changes, new CountingTracker());

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

    private sealed class CountingTracker : IReadTracker
    {
        public bool TryReserve() => true;

        public void Release(int keys)
        {
        }

        public long Sequence(int slot, int partition) => 0;

        public void OnTrackingDropped(int partition, int trackedKeys, BatchContext? context)
        {
        }
    }
}
