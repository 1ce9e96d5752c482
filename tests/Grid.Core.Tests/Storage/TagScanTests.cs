using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>The store's side of the tag index rebuild: the count of tagged entries and the bounded walk over them.</summary>
public sealed class TagScanTests
{
    private readonly StoreFixture _f = new();

    private static List<(string Key, string Tags)> Walk(PartitionStore store, int step, Action? betweenSteps = null)
    {
        var visitor = new Recorder();
        int cursor = int.MaxValue;
        while (store.VisitTagged(ref cursor, step, visitor))
        {
            betweenSteps?.Invoke();
        }

        return visitor.Seen;
    }

    [Fact]
    public void Tagged_count_follows_writes_overwrites_removals_expiry_and_restore()
    {
        _f.Set("a", "v", tags: ["t"]);
        _f.Set("b", "v", tags: ["t", "u"]);
        _f.Set("plain", "v");
        Assert.Equal(2, _f.Store.TaggedCount);

        _f.Set("a", "v2");
        _f.Set("plain", "v2", tags: ["t"]);
        _f.Set("b", "v2", tags: ["u"]);
        Assert.Equal(2, _f.Store.TaggedCount);

        _f.Remove("plain");
        Assert.Equal(1, _f.Store.TaggedCount);

        _f.Set("expiring", "v", ttlMs: 100, tags: ["t"]);
        _f.Increment("counter", 1);
        Assert.Equal(2, _f.Store.TaggedCount);
        _f.Advance(200);
        Assert.Equal(1, _f.Store.SweepExpired(100));
        Assert.Equal(1, _f.Store.TaggedCount);

        var copy = new StoreFixture(partition: 0);
        copy.Store.Restore(_f.Store.Snapshot());
        Assert.Equal(1, copy.Store.TaggedCount);
    }

    [Fact]
    public void The_walk_visits_every_live_tagged_entry_once_in_bounded_steps()
    {
        for (int i = 0; i < 300; i++)
        {
            _f.Set($"k{i}", "v", tags: i % 3 == 0 ? null : [$"t{i % 2}"]);
        }

        _f.Set("expired", "v", ttlMs: 10, tags: ["t0"]);
        _f.Advance(20);
        _f.HSet("hash", "f", "v");
        _f.Run(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes("hash2"), Value = [1], Tags = ["h"] });

        int steps = 0;
        var seen = Walk(_f.Store, 16, () => steps++);

        Assert.Equal(201, seen.Count);
        Assert.Equal(201, seen.Select(s => s.Key).Distinct().Count());
        Assert.DoesNotContain(seen, s => s.Key == "expired" || s.Key == "k0" || s.Key == "hash");
        Assert.Contains(("k1", "t1"), seen);
        Assert.Contains(("k2", "t0"), seen);
        Assert.Equal(((303 + 15) / 16) - 1, steps);
    }

    [Fact]
    public void An_entry_present_for_the_whole_walk_is_visited_even_when_others_are_removed_and_written_between_steps()
    {
        for (int i = 0; i < 500; i++)
        {
            _f.Set($"k{i}", "v", tags: ["t"]);
        }

        int next = 0;
        var seen = Walk(_f.Store, 7, () =>
        {
            // Removals move the last record into the hole; writes append: neither may hide a key that stays.
            _f.Remove($"k{next * 5 % 500}");
            _f.Set($"new{next}", "v", tags: ["t"]);
            next++;
        });

        var removed = Enumerable.Range(0, next).Select(n => $"k{n * 5 % 500}").ToHashSet();
        var stayed = Enumerable.Range(0, 500).Select(i => $"k{i}").Where(k => !removed.Contains(k));
        var visited = seen.Select(s => s.Key).ToHashSet();
        Assert.All(stayed, key => Assert.Contains(key, visited));
    }

    [Fact]
    public void A_closed_store_is_still_walked_to_the_end()
    {
        for (int i = 0; i < 100; i++)
        {
            _f.Set($"k{i}", "v", tags: ["t"]);
        }

        var visitor = new Recorder();
        int cursor = int.MaxValue;
        Assert.True(_f.Store.VisitTagged(ref cursor, 10, visitor));
        _f.Store.Close();
        while (_f.Store.VisitTagged(ref cursor, 10, visitor))
        {
        }

        Assert.Equal(100, visitor.Seen.Count);
    }

    private sealed class Recorder : ITaggedEntryVisitor
    {
        public List<(string Key, string Tags)> Seen { get; } = [];

        public void Visit(ReadOnlySpan<byte> key, ReadOnlySpan<byte> tagsBlock)
        {
            var tags = Grid.Protocol.Wire.TagBlock.Decode(tagsBlock);
            Seen.Add((Encoding.UTF8.GetString(key), string.Join(",", tags)));
        }
    }
}
