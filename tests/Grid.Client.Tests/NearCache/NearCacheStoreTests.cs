using System.Text;
using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// <see cref="NearCacheStore"/> on a fake clock: leases gate what is served, a lapsed lease drops a silo's values at
/// the next renewal, invalidation sequence gaps drop a partition, and silos and the whole cache can be dropped.
/// </summary>
public sealed class NearCacheStoreTests
{
    private const long LeaseMs = 3_000;
    private const long Epoch = 1;

    private readonly FakeTimeProvider _time = new();
    private readonly NearCacheStore _store;
    private readonly SiloAddress _a = TestOps.Silo(1);
    private readonly SiloAddress _b = TestOps.Silo(2);

    public NearCacheStoreTests() => _store = new NearCacheStore(partitionCount: 8, maxEntries: 100, maxBytes: 1 << 20, _time);

    [Fact]
    public void Value_from_a_silo_that_never_granted_a_lease_is_not_served()
    {
        Assert.True(Keep("k", partition: 0, _a));

        Assert.False(Served("k"));
    }

    [Fact]
    public void Value_is_served_while_its_silos_lease_is_valid_and_not_after()
    {
        Renew(_a);
        Keep("k", partition: 0, _a);

        Advance(LeaseMs - 1);
        Assert.True(Served("k"));

        Advance(1);
        Assert.False(Served("k"));
    }

    [Fact]
    public void Lease_counts_from_when_the_renewal_was_sent_not_from_its_answer()
    {
        long sentAt = _store.NowMs;
        Advance(1_000);
        Assert.True(_store.RenewLease(_a, sentAt, LeaseMs));
        Keep("k", partition: 0, _a);

        Advance(LeaseMs - 1_000 - 1);
        Assert.True(Served("k"));
        Advance(1);
        Assert.False(Served("k"));
    }

    [Fact]
    public void Renewal_in_time_keeps_the_silos_values()
    {
        Renew(_a);
        Keep("k", partition: 0, _a);

        Advance(LeaseMs / 3);
        Assert.True(Renew(_a));
        Advance(LeaseMs - 1);

        Assert.True(Served("k"));
    }

    [Fact]
    public void Lapsed_lease_drops_the_silos_values_at_the_next_renewal_even_if_nobody_read_them_meanwhile()
    {
        Renew(_a);
        Renew(_b);
        Keep("from-a", partition: 0, _a);
        Keep("from-b", partition: 1, _b);

        Advance(LeaseMs - 500);
        Assert.True(Renew(_b));
        Advance(1_000);

        // A could not be reached for longer than its lease: invalidations may have been missed. Its renewal succeeding
        // now must not bring its values back.
        Assert.False(Renew(_a));
        Assert.False(Served("from-a"));
        Assert.True(Served("from-b"));
        Assert.True(_store.PartitionsDropped >= 1);
    }

    [Fact]
    public void Failed_renewal_stops_serving_at_once_and_the_next_success_drops_the_silos_values()
    {
        Renew(_a);
        Keep("k", partition: 0, _a);

        _store.LapseLease(_a);
        Assert.False(Served("k"));

        Assert.False(Renew(_a));
        Keep("fresh", partition: 0, _a);
        Assert.True(Served("fresh"));
        Assert.False(Served("k"));
    }

    [Fact]
    public void Value_is_served_no_longer_than_its_time_to_live()
    {
        Renew(_a);
        Keep("k", partition: 0, _a, timeToLive: TimeSpan.FromMilliseconds(100));

        Advance(99);
        Assert.True(Served("k"));
        Advance(1);
        Assert.False(Served("k"));
    }

    [Fact]
    public void Invalidation_removes_its_key_only()
    {
        Renew(_a);
        Keep("k1", partition: 3, _a, readSequence: 5);
        Keep("k2", partition: 3, _a, readSequence: 5);

        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "k1");

        Assert.False(Served("k1"));
        Assert.True(Served("k2"));
        Assert.Equal(1, _store.InvalidationsReceived);
    }

    [Fact]
    public void Invalidation_older_than_the_read_leaves_the_value()
    {
        Renew(_a);
        Keep("other", partition: 3, _a, readSequence: 5);
        Keep("k", partition: 3, _a, readSequence: 7);

        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "k");

        Assert.True(Served("k"));
    }

    [Fact]
    public void Value_read_before_an_applied_invalidation_of_its_key_is_not_kept()
    {
        Renew(_a);
        Keep("other", partition: 3, _a, readSequence: 5);
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "k");

        Assert.False(Keep("k", partition: 3, _a, readSequence: 5));
        Assert.True(Keep("unrelated", partition: 3, _a, readSequence: 5));
        Assert.False(Served("k"));
        Assert.True(Served("unrelated"));
    }

    [Fact]
    public void An_invalidation_that_overtook_another_stops_the_partition_being_served_until_the_other_arrives()
    {
        HoldTwoKeysOfPartition3AndOneOfPartition4();

        // 7 arrives before 6 (Orleans does not keep one-way pushes in order): 6 may be for any key of the partition.
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 7, "k1");
        Assert.False(Served("k2"));
        Assert.True(Served("elsewhere"));

        // 6 arrives: nothing was lost, so nothing is dropped, and what 6 and 7 did not touch is served again.
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "unrelated");
        Assert.True(Served("k2"));
        Assert.False(Served("k1"));
        Assert.Equal(0, _store.SequenceGaps);
    }

    [Fact]
    public void An_invalidation_far_past_a_missing_one_drops_the_whole_partition_and_counting_goes_on_from_there()
    {
        HoldTwoKeysOfPartition3AndOneOfPartition4();

        // 6 was lost, and the next arrives more than NearPartitionState.MaxAhead past it.
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6 + NearPartitionState.MaxAhead, "k1");

        Assert.False(Served("k2"));
        Assert.True(Served("elsewhere"));
        Assert.Equal(1, _store.SequenceGaps);

        Keep("k3", partition: 3, _a, readSequence: 6 + NearPartitionState.MaxAhead);
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 7 + NearPartitionState.MaxAhead, "unrelated");
        Assert.True(Served("k3"));
    }

    [Fact]
    public void A_late_partition_reset_does_not_move_the_count_back()
    {
        Renew(_a);
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "x");
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 7, key: null);
        Keep("k", partition: 3, _a, readSequence: 7);

        _store.Invalidate(_a, Epoch, partition: 3, sequence: 7, key: null);   // the same reset again
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 8, "unrelated");

        Assert.True(Served("k"));
    }

    [Fact]
    public void Partition_reset_drops_the_whole_partition()
    {
        Renew(_a);
        Keep("k", partition: 3, _a, readSequence: 5);

        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, key: null);

        Assert.False(Served("k"));
    }

    [Fact]
    public void Invalidation_seen_twice_is_applied_once()
    {
        Renew(_a);
        Keep("k", partition: 3, _a, readSequence: 5);
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "gone");
        Keep("k2", partition: 3, _a, readSequence: 6);

        _store.Invalidate(_a, Epoch, partition: 3, sequence: 6, "gone");

        Assert.True(Served("k"));
        Assert.True(Served("k2"));
    }

    [Fact]
    public void Invalidation_from_another_silo_incarnation_drops_what_the_partition_held()
    {
        Renew(_a);
        Keep("k", partition: 3, _a, readSequence: 5);

        _store.Invalidate(_a, Epoch + 1, partition: 3, sequence: 1, "unrelated");

        Assert.False(Served("k"));
    }

    [Fact]
    public void Value_read_just_after_a_gap_is_not_kept_when_the_next_invalidation_was_for_its_key()
    {
        Renew(_a);
        Keep("first", partition: 3, _a, readSequence: 0);
        for (int sequence = 1; sequence <= 10; sequence++)
        {
            _store.Invalidate(_a, Epoch, partition: 3, sequence, $"x{sequence}");
        }

        // 11 is lost: the partition starts over from 12, then learns that 13 was for "k".
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 12, "x12");
        _store.Invalidate(_a, Epoch, partition: 3, sequence: 13, "k");

        // A read of "k" served at sequence 12 came before invalidation 13 of "k": keeping it would serve a stale value.
        Assert.False(Keep("k", partition: 3, _a, readSequence: 12), "a value read before the last invalidation of its key was kept");
        Assert.False(Served("k"));
    }

    [Fact]
    public void Partitions_behind_a_known_sequence_are_dropped_on_catch_up()
    {
        Renew(_a);
        Keep("k", partition: 3, _a, readSequence: 5);
        Assert.True(_store.IsBehind(_a, Epoch, partition: 3, sequence: 6));
        Assert.False(_store.IsBehind(_a, Epoch, partition: 3, sequence: 5));

        _store.DropIfBehind(_a, Epoch, partition: 3, sequence: 6);

        Assert.False(Served("k"));
        Assert.False(_store.IsBehind(_a, Epoch, partition: 3, sequence: 6));
    }

    [Fact]
    public void Dropping_a_silo_drops_only_what_was_read_from_it()
    {
        Renew(_a);
        Renew(_b);
        Keep("from-a", partition: 0, _a);
        Keep("from-b", partition: 1, _b);

        _store.DropSilo(_a);

        Assert.False(Served("from-a"));
        Assert.True(Served("from-b"));
        Assert.True(Keep("again", partition: 0, _a));
        Assert.True(Served("again"));
    }

    [Fact]
    public void Clear_drops_everything_and_is_counted_once_done()
    {
        Renew(_a);
        Renew(_b);
        Keep("from-a", partition: 0, _a);
        Keep("from-b", partition: 1, _b);

        _store.Clear();

        Assert.Equal(1, _store.Clears);
        Assert.Equal(0, _store.Count);
        Assert.Equal(0, _store.Bytes);
        Assert.False(Served("from-a"));
        Assert.False(Served("from-b"));
        Assert.True(Keep("after", partition: 0, _a));
        Assert.True(Served("after"));
    }

    [Fact]
    public void Local_write_forgets_the_key()
    {
        Renew(_a);
        Keep("k", partition: 0, _a);

        _store.Remove("k");

        Assert.False(Served("k"));
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public void Value_larger_than_the_byte_bound_is_not_kept_and_the_entry_bound_evicts()
    {
        var store = LeasedStore(maxEntries: 2, maxBytes: 16);

        Assert.False(Put(store, "big", 17));
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Put(store, $"k{i}", 4));
        }

        Assert.Equal(2, store.Count);
        Assert.True(store.TryGet("k2", out _));
    }

    [Fact]
    public void A_new_value_of_a_held_key_takes_its_place_with_its_details_and_bytes()
    {
        Renew(_a);
        Assert.True(_store.TrySet("k", new byte[10], 0, _a, Epoch, readSequence: 1, TimeSpan.FromMinutes(10)));
        Assert.True(_store.TrySet("other", new byte[5], 1, _a, Epoch, readSequence: 1, TimeSpan.FromMinutes(10)));

        Assert.True(_store.TrySet("k", [1, 2, 3], 0, _a, Epoch, readSequence: 2, TimeSpan.FromSeconds(1)));

        Assert.Equal(2, _store.Count);
        Assert.Equal(8, _store.Bytes);
        Assert.True(_store.TryGet("k", out var value));
        Assert.Equal([1, 2, 3], value);

        // Its new time to live and read sequence hold: an invalidation between the two reads leaves it, expiry ends it.
        _store.Invalidate(_a, Epoch, 0, 1, "k");
        Assert.True(_store.TryGet("k", out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Renew(_a);
        Assert.False(_store.TryGet("k", out _));
        Assert.True(_store.TryGet("other", out _));
    }

    [Fact]
    public void A_new_value_that_would_pass_the_byte_bound_evicts_instead_of_taking_the_old_place()
    {
        var store = LeasedStore(maxEntries: 10, maxBytes: 16);
        Assert.True(Put(store, "a", 6));
        Assert.True(Put(store, "b", 6));

        Assert.True(Put(store, "a", 12));

        Assert.True(store.Bytes <= 16);
        Assert.True(store.TryGet("a", out var value));
        Assert.Equal(12, value.Length);
    }

    [Fact]
    public void A_larger_value_in_place_that_fills_the_byte_bound_marks_the_near_cache_filled()
    {
        var store = LeasedStore(maxEntries: 100, maxBytes: 16);
        Assert.True(Put(store, "a", 4));
        Assert.False(store.HasFilled);

        Assert.True(Put(store, "a", 15));

        Assert.Equal(1, store.Count);
        Assert.True(store.HasFilled);
    }

    /// <summary>A store of <paramref name="maxEntries"/> and <paramref name="maxBytes"/> with silo a's lease granted.</summary>
    private NearCacheStore LeasedStore(int maxEntries, long maxBytes)
    {
        var store = new NearCacheStore(partitionCount: 8, maxEntries, maxBytes, _time);
        store.RenewLease(_a, store.NowMs, LeaseMs);
        return store;
    }

    /// <summary>Keeps <paramref name="length"/> zero bytes at <paramref name="key"/> (partition 0, silo a, for a minute).</summary>
    private bool Put(NearCacheStore store, string key, int length) =>
        store.TrySet(key, new byte[length], 0, _a, Epoch, 0, TimeSpan.FromMinutes(1));

    /// <summary>k1 and k2 in partition 3 and "elsewhere" in partition 4, all read at sequence 5 from silo a.</summary>
    private void HoldTwoKeysOfPartition3AndOneOfPartition4()
    {
        Renew(_a);
        Keep("k1", partition: 3, _a, readSequence: 5);
        Keep("k2", partition: 3, _a, readSequence: 5);
        Keep("elsewhere", partition: 4, _a, readSequence: 5);
    }

    private bool Keep(string key, int partition, SiloAddress silo, long readSequence = 0, TimeSpan? timeToLive = null) =>
        _store.TrySet(key, Encoding.UTF8.GetBytes(key), partition, silo, Epoch, readSequence, timeToLive ?? TimeSpan.FromMinutes(10));

    private bool Served(string key)
    {
        bool hit = _store.TryGet(key, out var value);
        if (hit)
        {
            Assert.Equal(key, Encoding.UTF8.GetString(value));
        }

        return hit;
    }

    private bool Renew(SiloAddress silo) => _store.RenewLease(silo, _store.NowMs, LeaseMs);

    private void Advance(long milliseconds) => _time.Advance(TimeSpan.FromMilliseconds(milliseconds));
}
