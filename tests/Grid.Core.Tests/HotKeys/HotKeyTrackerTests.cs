using System.Text;
using Grid.Grains.Hosting;
using Grid.Grains.HotKeys;
using Grid.Grains.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.HotKeys;

public sealed class HotKeyTrackerTests
{
    private static ulong Hash(string key) => RecordTable.HashKey(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// 300,000 reads of keys drawn uniformly from 100,000 (<c>user:N</c>), "user:hot" read after every 10th (30,000
    /// reads) and, with <paramref name="warmWrites"/>, "user:warm" written after every 50th (6,000 writes).
    /// </summary>
    private static void ReadHotAmong100000(HotKeyTracker tracker, bool warmWrites)
    {
        var random = new Random(11);
        var hot = Encoding.UTF8.GetBytes("user:hot");
        var warm = Encoding.UTF8.GetBytes("user:warm");
        for (int i = 0; i < 300_000; i++)
        {
            var key = Encoding.UTF8.GetBytes("user:" + random.Next(100_000));
            tracker.Count(RecordTable.HashKey(key), key, write: false);
            if (i % 10 == 0)
            {
                tracker.Count(RecordTable.HashKey(hot), hot, write: false);
            }

            if (warmWrites && i % 50 == 0)
            {
                tracker.Count(RecordTable.HashKey(warm), warm, write: true);
            }
        }
    }

    [Fact]
    public void A_sketch_estimate_is_never_below_the_true_count_and_close_to_it()
    {
        var sketch = new CountMinSketch(4096);
        var random = new Random(7);
        var truth = new Dictionary<string, int>();
        for (int i = 0; i < 200_000; i++)
        {
            string key = "k" + random.Next(20_000);
            truth[key] = truth.GetValueOrDefault(key) + 1;
            sketch.Add(Hash(key));
        }

        int badlyOver = 0;
        foreach (var (key, count) in truth)
        {
            uint estimate = sketch.Estimate(Hash(key));
            Assert.True(estimate >= count, $"{key}: estimate {estimate} < true {count}");
            badlyOver += estimate > count + (2 * 200_000 / 4096) ? 1 : 0;
        }

        // Overcount beyond 2N/width happens with probability at most 2^-4 per key.
        Assert.True(badlyOver < truth.Count / 16, $"{badlyOver} of {truth.Count} keys overcounted by more than 2N/width");
    }

    [Fact]
    public void The_hottest_key_among_100_000_is_first()
    {
        var time = new FakeTimeProvider();
        var tracker = new HotKeyTracker(new GridHotKeyOptions { SampleEvery = 1 }, time);
        ReadHotAmong100000(tracker, warmWrites: true);

        var top = tracker.Snapshot(5, "silo-a");
        Assert.Equal("user:hot", top[0].Key);
        Assert.Equal("user:warm", top[1].Key);
        Assert.Equal("silo-a", top[0].Silo);

        // 30,000 reads counted, no decay yet: a decayed count settles at twice a period's, so the rate is count / (2 × 10 s).
        Assert.InRange(top[0].ReadsPerSecond, 1_500, 1_600);
        Assert.InRange(top[1].WritesPerSecond, 300, 330);
        Assert.Equal(0, top[0].WritesPerSecond, 0.001);
    }

    [Fact]
    public void Counting_one_operation_in_8_still_finds_the_hottest_key_and_scales_its_rate_back()
    {
        var tracker = new HotKeyTracker(new GridHotKeyOptions { SampleEvery = 8 }, new FakeTimeProvider());
        Assert.Equal(8, tracker.SampleEvery);
        ReadHotAmong100000(tracker, warmWrites: false);

        // 30,000 reads, about 3,750 of them counted (± 1.6 % at one standard deviation): 1,500/s once scaled back.
        var top = tracker.Snapshot(1, "silo-a");
        Assert.Equal("user:hot", top[0].Key);
        Assert.InRange(top[0].ReadsPerSecond, 1_400, 1_650);
    }

    [Fact]
    public void With_sampling_every_read_of_a_key_marked_hot_is_marked_not_only_the_counted_ones()
    {
        // 10 reads/s over a 10 s decay period: 200 reads, 25 of them counted at one in 8.
        var tracker = new HotKeyTracker(new GridHotKeyOptions { TopKeys = 4, HintReadsPerSecond = 10, SampleEvery = 8 }, new FakeTimeProvider());
        var hot = Encoding.UTF8.GetBytes("hot");
        var answers = new List<bool>();
        for (int i = 0; i < 2_000; i++)
        {
            answers.Add(tracker.Count(RecordTable.HashKey(hot), hot, write: false));
        }

        // Marked from its first counted read past the bar (about read 200, give or take the sample) to the end.
        int first = answers.IndexOf(true);
        Assert.InRange(first, 100, 400);
        Assert.All(answers.Skip(first), Assert.True);
        Assert.False(tracker.Count(RecordTable.HashKey(hot), hot, write: true));
    }

    [Fact]
    public void A_read_is_marked_hot_only_for_a_top_key_above_the_hint_bar_and_a_write_never()
    {
        // 10 reads/s over a 10 s decay period: a decayed estimate of 2 x 10 x 10 = 200 reads.
        var tracker = new HotKeyTracker(new GridHotKeyOptions { TopKeys = 4, HintReadsPerSecond = 10, DecayInterval = TimeSpan.FromSeconds(10), SampleEvery = 1 }, new FakeTimeProvider());
        var hot = Encoding.UTF8.GetBytes("hot");
        var answers = new List<bool>();
        for (int i = 0; i < 300; i++)
        {
            answers.Add(tracker.Count(RecordTable.HashKey(hot), hot, write: false));
        }

        Assert.DoesNotContain(true, answers.Take(199));
        Assert.All(answers.Skip(200), Assert.True);
        Assert.False(tracker.Count(RecordTable.HashKey(hot), hot, write: true));

        var off = new HotKeyTracker(new GridHotKeyOptions { HintReadsPerSecond = 0, SampleEvery = 1 }, new FakeTimeProvider());
        for (int i = 0; i < 10_000; i++)
        {
            Assert.False(off.Count(RecordTable.HashKey(hot), hot, write: false));
        }
    }

    [Fact]
    public void Counts_halve_every_decay_interval_so_a_key_that_cooled_leaves_the_top()
    {
        var time = new FakeTimeProvider();
        var tracker = new HotKeyTracker(new GridHotKeyOptions { TopKeys = 1, DecayInterval = TimeSpan.FromSeconds(10), SampleEvery = 1 }, time);
        var old = Encoding.UTF8.GetBytes("old");
        var fresh = Encoding.UTF8.GetBytes("new");
        for (int i = 0; i < 1_000; i++)
        {
            tracker.Count(RecordTable.HashKey(old), old, write: false);
        }

        Assert.Equal("old", tracker.Snapshot(1, "s")[0].Key);
        time.Advance(TimeSpan.FromSeconds(30)); // three halvings: 1,000 -> 125
        double cooled = tracker.Snapshot(1, "s")[0].ReadsPerSecond;
        Assert.Equal(125 / 20.0, cooled, 0.001);

        for (int i = 0; i < 300; i++)
        {
            tracker.Count(RecordTable.HashKey(fresh), fresh, write: false);
        }

        Assert.Equal("new", tracker.Snapshot(1, "s")[0].Key);
    }

    [Fact]
    public void A_key_whose_counts_decayed_to_nothing_is_not_listed()
    {
        // Listed, such keys read as "0.0 reads/s" (and removed keys stayed on the list); the CLI showed only those.
        var time = new FakeTimeProvider();
        var tracker = new HotKeyTracker(new GridHotKeyOptions { TopKeys = 4, DecayInterval = TimeSpan.FromSeconds(10), SampleEvery = 1 }, time);
        var key = Encoding.UTF8.GetBytes("once");
        tracker.Count(RecordTable.HashKey(key), key, write: true);
        Assert.Equal("once", Assert.Single(tracker.Snapshot(4, "s")).Key);

        time.Advance(TimeSpan.FromSeconds(10)); // one halving: a count of 1 becomes 0
        Assert.Empty(tracker.Snapshot(4, "s"));
    }

    [Fact]
    public void Counting_allocates_nothing_once_the_top_list_is_settled()
    {
        // Every operation counted, so the list settles within the warm-up (sampled, uniform counts stay close for
        // longer and a member may still be replaced now and then; an operation not counted never allocates).
        var tracker = new HotKeyTracker(new GridHotKeyOptions { SampleEvery = 1 }, new FakeTimeProvider());
        var keys = new byte[1000][];
        var hashes = new ulong[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Encoding.UTF8.GetBytes("key:" + i);
            hashes[i] = RecordTable.HashKey(keys[i]);
        }

        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                tracker.Count(hashes[i], keys[i], write: (i & 1) == 0);
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                tracker.Count(hashes[i], keys[i], write: (i & 1) == 0);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concurrent_counting_keeps_the_hot_key_first()
    {
        var tracker = new HotKeyTracker(new GridHotKeyOptions(), new FakeTimeProvider());
        var hot = Encoding.UTF8.GetBytes("hot");
        ulong hotHash = RecordTable.HashKey(hot);
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 50_000; i++)
            {
                var key = Encoding.UTF8.GetBytes("k" + random.Next(50_000));
                tracker.Count(RecordTable.HashKey(key), key, write: false);
                if (i % 20 == 0)
                {
                    tracker.Count(hotHash, hot, write: true);
                }
            }
        });

        Assert.Equal("hot", tracker.Snapshot(3, "s")[0].Key);
    }
}
