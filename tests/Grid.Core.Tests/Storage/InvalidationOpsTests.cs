using System.Text;
using Grid.Core.Tests.Support;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>The store's side of invalidations: tag-checked removes and bounded pattern scans.</summary>
public sealed class InvalidationOpsTests
{
    private readonly StoreFixture _f = new();

    private GridResult RemoveTagged(string key, string tag) =>
        _f.Run(new GridOp { Code = OpCode.RemoveTagged, Key = StoreFixture.Bytes(key), Tags = [tag] });

    private int RemoveMatching(string pattern, int step, out int steps)
    {
        var bytes = Encoding.UTF8.GetBytes(pattern);
        int cursor = int.MaxValue;
        int removed = 0;
        steps = 0;
        bool more;
        do
        {
            more = _f.Store.RemoveMatching(bytes, ref cursor, step, out int n);
            removed += n;
            steps++;
        }
        while (more);

        return removed;
    }

    [Fact]
    public void Tag_checked_remove_removes_only_an_entry_that_still_carries_the_tag()
    {
        _f.Set("tagged", "v", tags: ["t", "u"]);
        _f.Set("other", "v", tags: ["u"]);
        _f.Set("plain", "v");

        Assert.Equal(1, RemoveTagged("tagged", "t").Number);
        Assert.Equal(0, RemoveTagged("other", "t").Number);
        Assert.Equal(0, RemoveTagged("plain", "t").Number);
        Assert.Equal(0, RemoveTagged("missing", "t").Number);
        Assert.Null(_f.GetString("tagged"));
        Assert.Equal("v", _f.GetString("other"));
        Assert.Equal("v", _f.GetString("plain"));
    }

    [Fact]
    public void Tag_checked_remove_does_not_count_an_expired_entry()
    {
        _f.Set("k", "v", ttlMs: 1000, tags: ["t"]);
        _f.Advance(1000);
        Assert.Equal(0, RemoveTagged("k", "t").Number);
    }

    [Fact]
    public void Pattern_scan_removes_matches_in_steps_of_at_most_the_step_size()
    {
        for (int i = 0; i < 1000; i++)
        {
            _f.Set($"user:{i}", "v");
            _f.Set($"order:{i}", "v");
        }

        Assert.Equal(1000, RemoveMatching("user:*", 64, out int steps));
        Assert.Equal((2000 + 63) / 64, steps);
        Assert.Equal(1000, _f.Store.Count);
        Assert.Null(_f.GetString("user:7"));
        Assert.Equal("v", _f.GetString("order:7"));
    }

    [Fact]
    public void Pattern_scan_does_not_count_expired_entries_and_removes_them_as_expired()
    {
        _f.Set("a:1", "v", ttlMs: 100);
        _f.Set("a:2", "v");
        _f.Advance(100);
        Assert.Equal(1, RemoveMatching("a:*", 16, out _));
        Assert.Equal(0, _f.Store.Count);
        Assert.Equal(1, _f.Store.Counters.Expirations);
    }

    [Fact]
    public void Writes_and_deletes_between_steps_never_make_the_scan_miss_an_entry_that_was_there_all_along()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            _f.Set($"keep:{i}", "v");
            _f.Set($"churn:{i}", "v");
        }

        var pattern = "keep:*"u8.ToArray();
        int cursor = int.MaxValue;
        int removed = 0;
        int next = 2000;
        bool more;
        do
        {
            more = _f.Store.RemoveMatching(pattern, ref cursor, 50, out int n);
            removed += n;

            // Between steps other clients delete and add keys, which moves records around the dense array.
            for (int j = 0; j < 20; j++)
            {
                _f.Remove($"churn:{random.Next(next)}");
                _f.Set($"churn:{next++}", "v");
            }
        }
        while (more);

        Assert.Equal(2000, removed);
        for (int i = 0; i < 2000; i++)
        {
            Assert.Null(_f.GetString($"keep:{i}"));
        }
    }

    [Fact]
    public void Pattern_scan_of_a_closed_store_stops_at_once()
    {
        _f.Set("a", "v");
        _f.Store.Close();
        int cursor = int.MaxValue;
        Assert.False(_f.Store.RemoveMatching("*"u8, ref cursor, 10, out int n));
        Assert.Equal(0, n);
    }
}
