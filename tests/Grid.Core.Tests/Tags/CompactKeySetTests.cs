using System.Text;
using Grid.Grains.Tags;

namespace Grid.Core.Tests.Tags;

public sealed class CompactKeySetTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Keys(CompactKeySet set)
    {
        var keys = new List<string>();
        foreach (var key in set)
        {
            keys.Add(Encoding.UTF8.GetString(key));
        }

        return keys;
    }

    [Fact]
    public void Add_remove_and_contains_behave_as_a_set()
    {
        var set = new CompactKeySet();
        Assert.True(set.Add(B("a")));
        Assert.False(set.Add(B("a")));
        Assert.True(set.Add(B("bb")));
        Assert.True(set.Contains(B("bb")));
        Assert.False(set.Contains(B("b")));
        Assert.Equal(2, set.Count);
        Assert.True(set.Remove(B("a")));
        Assert.False(set.Remove(B("a")));
        Assert.Equal(["bb"], Keys(set));
    }

    [Fact]
    public void Matches_a_hash_set_over_a_long_random_mix_of_adds_and_removes()
    {
        var random = new Random(42);
        var set = new CompactKeySet();
        var model = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 200_000; i++)
        {
            string key = "k" + random.Next(5000).ToString(System.Globalization.CultureInfo.InvariantCulture) + new string('x', random.Next(4));
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(key), set.Remove(B(key)));
            }
            else
            {
                Assert.Equal(model.Add(key), set.Add(B(key)));
            }

            Assert.Equal(model.Count, set.Count);
        }

        Assert.Equal(model.OrderBy(k => k, StringComparer.Ordinal), Keys(set).OrderBy(k => k, StringComparer.Ordinal));
        foreach (var key in model)
        {
            Assert.True(set.Contains(B(key)));
        }
    }

    [Fact]
    public void A_set_emptied_by_removals_releases_its_memory()
    {
        var set = new CompactKeySet();
        long empty = set.HeapBytes;
        for (int i = 0; i < 10_000; i++)
        {
            set.Add(B($"user:{i}"));
        }

        Assert.True(set.HeapBytes > 100_000);
        for (int i = 0; i < 10_000; i++)
        {
            set.Remove(B($"user:{i}"));
        }

        Assert.Equal(0, set.Count);
        Assert.Equal(empty, set.HeapBytes);
    }

    [Fact]
    public void Keys_cost_their_bytes_plus_a_few_bytes_each()
    {
        var set = new CompactKeySet();
        for (int i = 0; i < 100_000; i++)
        {
            set.Add(B($"key:{i:D7}"));
        }

        // 11-byte keys: 11 + 3 header + 4-8 table, with growth slack; a HashSet<string> takes about 80.
        double perKey = set.HeapBytes / 100_000.0;
        Assert.InRange(perKey, 18, 40);
    }

    [Fact]
    public void Enumeration_resumes_from_a_cursor()
    {
        var set = new CompactKeySet();
        for (int i = 0; i < 10; i++)
        {
            set.Add(B($"k{i}"));
        }

        set.Remove(B("k3"));
        var seen = new List<string>();
        var cursor = default(CompactKeySet.Cursor);
        bool more = true;
        while (more)
        {
            var enumerator = set.GetEnumerator(cursor);
            more = enumerator.MoveNext();
            if (more)
            {
                seen.Add(Encoding.UTF8.GetString(enumerator.Current));
                cursor = enumerator.Position;
            }
        }

        Assert.Equal(["k0", "k1", "k2", "k4", "k5", "k6", "k7", "k8", "k9"], seen);
    }

    [Fact]
    public void Keys_up_to_65535_bytes_are_held_and_longer_ones_refused()
    {
        var set = new CompactKeySet();
        var longest = new byte[ushort.MaxValue];
        Assert.True(set.Add(longest));
        Assert.True(set.Contains(longest));
        Assert.Throws<ArgumentException>(() => set.Add(new byte[ushort.MaxValue + 1]));
    }
}
