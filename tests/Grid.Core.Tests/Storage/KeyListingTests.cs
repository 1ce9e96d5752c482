using System.Text;
using Grid.Core.Tests.Support;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>The key listing behind RESP SCAN and KEYS: bounded steps, every key present throughout is listed, filters by glob and type.</summary>
public sealed class KeyListingTests
{
    [Fact]
    public void Every_key_present_for_the_whole_walk_is_listed_while_others_come_and_go()
    {
        var fixture = new StoreFixture();
        for (int i = 0; i < 500; i++)
        {
            fixture.Set("k" + i, "v");
        }

        var seen = new HashSet<string>();
        var keys = new List<byte[]>();
        int cursor = int.MaxValue;
        int step = 0;
        while (fixture.Store.CollectKeys([], GridValueType.None, ref cursor, 7, keys))
        {
            // Between steps: new keys arrive and keys not in the first 500 leave.
            fixture.Set("new" + step, "v");
            if (step > 0)
            {
                fixture.Remove("new" + (step - 1));
            }

            step++;
        }

        foreach (var key in keys)
        {
            seen.Add(Encoding.UTF8.GetString(key));
        }

        for (int i = 0; i < 500; i++)
        {
            Assert.Contains("k" + i, seen);
        }

        Assert.Equal(0, cursor);
    }

    [Fact]
    public void Glob_and_type_filter_and_expired_keys_are_left_out()
    {
        var fixture = new StoreFixture();
        fixture.Set("user:1", "v");
        fixture.Set("user:2", "v", ttlMs: 1000);
        fixture.Increment("user:3", 1);
        fixture.HSet("user:4", "f", "v");
        fixture.Set("other", "v");
        fixture.Advance(2000);

        Assert.Equal(["user:1", "user:3", "user:4"], List(fixture, "user:*", GridValueType.None));
        Assert.Equal(["user:1", "user:3"], List(fixture, "user:*", GridValueType.String));
        Assert.Equal(["user:4"], List(fixture, "*", GridValueType.Hash));
        Assert.Equal(["other", "user:1", "user:3", "user:4"], List(fixture, "", GridValueType.None));

        // Listing changes nothing: the expired key is still there for the sweep.
        Assert.Equal(5, fixture.Store.Count);
    }

    private static List<string> List(StoreFixture fixture, string pattern, GridValueType type)
    {
        var keys = new List<byte[]>();
        int cursor = int.MaxValue;
        while (fixture.Store.CollectKeys(Encoding.UTF8.GetBytes(pattern), type, ref cursor, 2, keys))
        {
        }

        return keys.Select(k => Encoding.UTF8.GetString(k)).Order(StringComparer.Ordinal).ToList();
    }
}
