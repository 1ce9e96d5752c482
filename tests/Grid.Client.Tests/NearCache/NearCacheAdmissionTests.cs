using Grid.Client.NearCache;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// Near-cache admission (<see cref="NearCacheAdmission.ReRead"/>): every read is let in while there is room; once the
/// near cache is nearly full, only keys read lately before are, so keys read once neither evict the keys read often
/// nor pay for a tracked read.
/// </summary>
public sealed class NearCacheAdmissionTests
{
    private const int Capacity = 64;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void With_room_every_read_is_admitted()
    {
        var store = new NearCacheStore(8, Capacity, 1 << 20, _time, NearCacheAdmission.ReRead);
        for (int i = 0; i < Capacity / 2; i++)
        {
            Assert.True(store.Admits($"k{i}"));
        }
    }

    [Fact]
    public void When_nearly_full_a_key_is_admitted_on_its_second_read_only()
    {
        var store = Full(NearCacheAdmission.ReRead);

        Assert.False(store.Admits("new"));
        Assert.True(store.Admits("new"));
    }

    [Fact]
    public void When_nearly_full_most_keys_read_once_are_not_admitted()
    {
        var store = Full(NearCacheAdmission.ReRead);
        int admitted = 0;
        for (int i = 0; i < Capacity / 2; i++)
        {
            admitted += store.Admits($"once{i}") ? 1 : 0;
        }

        // Bloom false positives let a few through (about 5 % at a full window).
        Assert.True(admitted <= Capacity / 8, $"{admitted} of {Capacity / 2} keys read once were admitted");
    }

    [Fact]
    public void A_key_a_silo_marked_hot_is_admitted_on_its_next_read_however_long_ago_it_was_read()
    {
        Assert.True(AdmittedAfterAHintAndManyOtherKeys(followHotKeyHints: true));
    }

    [Fact]
    public void Hints_are_ignored_when_the_client_does_not_follow_them()
    {
        Assert.False(AdmittedAfterAHintAndManyOtherKeys(followHotKeyHints: false));
    }

    /// <summary>
    /// A full near cache; a key read once and marked hot, then ten windows of other keys (fixed hashes, so the re-read
    /// filter's false positives are the same every run): whether the key's next read is admitted.
    /// </summary>
    private bool AdmittedAfterAHintAndManyOtherKeys(bool followHotKeyHints)
    {
        const int hot = -1;
        var store = Full(NearCacheAdmission.ReRead, followHotKeyHints);
        Assert.False(store.Admits(hot));
        store.HintHot(hot);
        for (int i = 1; i <= Capacity * 10; i++)
        {
            store.Admits(i * 7_919);
        }

        return store.Admits(hot);
    }

    [Fact]
    public void Admission_All_admits_every_read_even_when_full()
    {
        var store = Full(NearCacheAdmission.All);

        Assert.True(store.Admits("new"));
    }

    [Fact]
    public void The_filter_forgets_after_a_near_cache_full_of_new_keys()
    {
        // Fixed hashes (string hash codes change per process): the test sees the same filter every run.
        const int old = -1;
        var filter = new ReReadFilter(Capacity);
        Assert.False(filter.SeenBefore(old));
        Assert.True(filter.SeenBefore(old));

        int added = 1;
        for (int hash = 1; added < Capacity; hash++)
        {
            added += filter.SeenBefore(hash) ? 0 : 1;
        }

        Assert.False(filter.SeenBefore(old));
    }

    [Fact]
    public void The_filter_lets_few_new_keys_pass_as_seen()
    {
        // A window of 2,000 new keys holding 1,000 (it does not clear during the test); strangers checked one by one.
        const int members = 1_000;
        var filter = new ReReadFilter(2 * members);
        for (int i = 0; i < members; i++)
        {
            filter.SeenBefore(i);
        }

        int falsePositives = 0;
        for (int i = 0; i < members; i++)
        {
            falsePositives += filter.SeenBefore(1_000_000 + i) ? 1 : 0;
        }

        Assert.True(falsePositives < members / 10, $"{falsePositives} of {members} new keys looked seen");
    }

    /// <summary>A store filled to its entry bound, with a lease so its entries count.</summary>
    private NearCacheStore Full(NearCacheAdmission admission, bool followHotKeyHints = true)
    {
        var store = FilledStore.Create(_time, Capacity, admission, followHotKeyHints);
        Assert.Equal(Capacity, store.Count);
        return store;
    }
}
