using Grid.Client.NearCache;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// The near-cache bypass (<see cref="NearCacheOptions.MinHitRatio"/>): a near cache that has filled and whose lookups
/// mostly miss is skipped by reads, except a sample and hot keys, and is consulted again once the sample shows its
/// hit ratio back above the bound. Driven through the store's own lookups (no cluster, fake clock).
/// </summary>
public sealed class NearCacheBypassTests
{
    private const int Capacity = 1_000;
    private const double MinHitRatio = 0.15;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_full_near_cache_that_mostly_misses_is_bypassed_except_one_read_in_the_sample()
    {
        var (store, bypass) = Filled();

        // Reads of keys it does not hold: every lookup misses.
        int consulted = Read(store, bypass, reads: 40 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");

        Assert.True(bypass.IsBypassing);
        Assert.True(store.Bypassed.Value > 0);

        // The first window (and the few decisions until it is looked at) are consulted in full; past it only the sample.
        long afterFirstWindow = 40 * NearCacheBypass.WindowLookups - NearCacheBypass.WindowLookups - 1024;
        Assert.InRange(consulted, NearCacheBypass.WindowLookups, NearCacheBypass.WindowLookups + 1024 + (afterFirstWindow / NearCacheBypass.SampleEvery) + 64);
    }

    [Fact]
    public void A_near_cache_whose_reads_hit_is_never_bypassed()
    {
        var (store, bypass) = Filled();

        // Half the reads hit (well above the bound).
        int consulted = Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => i % 2 == 0 ? $"held{i % Capacity}" : $"other{i}");

        Assert.False(bypass.IsBypassing);
        Assert.Equal(10 * (int)NearCacheBypass.WindowLookups, consulted);
        Assert.Equal(0, store.Bypassed.Value);
    }

    [Fact]
    public void A_near_cache_still_filling_is_never_bypassed_however_it_misses()
    {
        var store = new NearCacheStore(8, Capacity, 1 << 20, _time, NearCacheAdmission.ReRead);
        var bypass = new NearCacheBypass(store, MinHitRatio);

        int consulted = Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");

        Assert.False(store.HasFilled);
        Assert.False(bypass.IsBypassing);
        Assert.Equal(10 * (int)NearCacheBypass.WindowLookups, consulted);
    }

    [Fact]
    public void Once_the_sampled_reads_hit_again_the_near_cache_is_consulted_again()
    {
        var (store, bypass) = Filled();
        Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");
        Assert.True(bypass.IsBypassing);

        // The workload turns to the keys it holds: the sample sees hits, and within a few windows of samples reads consult it again.
        int reads = 0;
        while (bypass.IsBypassing && reads < 40 * NearCacheBypass.SampleEvery * (int)NearCacheBypass.WindowLookups)
        {
            reads += 1024;
            Read(store, bypass, reads: 1024, key: i => $"held{i % Capacity}");
        }

        Assert.False(bypass.IsBypassing, $"still bypassing after {reads:N0} reads of held keys");
    }

    [Fact]
    public void A_slow_reader_s_window_closes_by_its_age_so_the_near_cache_comes_back_within_seconds()
    {
        var (store, bypass) = Filled();
        Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");
        Assert.True(bypass.IsBypassing);

        // A few thousand reads of held keys a second: far fewer than a window's lookups within MaxWindowMs.
        int reads = 0;
        for (int second = 0; second < 30 && bypass.IsBypassing; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Read(store, bypass, reads: 3_000, key: i => $"held{i % Capacity}");
            reads += 3_000;
        }

        Assert.False(bypass.IsBypassing, $"still bypassing after {reads:N0} reads of held keys over 30 s");
        Assert.True(reads <= 12 * 3_000, $"{reads:N0} reads before the near cache was consulted again");
    }

    [Fact]
    public void Keys_a_silo_marked_hot_are_consulted_while_bypassing()
    {
        var (store, bypass) = Filled();
        Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");
        Assert.True(bypass.IsBypassing);
        int hot = NearCacheTable.HashOf("hot");
        store.HintHot(hot);

        int consulted = 0;
        for (int i = 0; i < 1000; i++)
        {
            consulted += bypass.Consults(hot) ? 1 : 0;
        }

        Assert.Equal(1000, consulted);
    }

    [Fact]
    public void A_bound_of_zero_never_bypasses()
    {
        var (store, _) = Filled();
        var bypass = new NearCacheBypass(store, minHitRatio: 0);

        int consulted = Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");

        Assert.False(bypass.IsBypassing);
        Assert.Equal(10 * (int)NearCacheBypass.WindowLookups, consulted);
    }

    [Fact]
    public void A_cleared_near_cache_is_consulted_while_it_fills_again()
    {
        var (store, bypass) = Filled();
        Read(store, bypass, reads: 10 * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");
        Assert.True(bypass.IsBypassing);

        store.Clear();
        Read(store, bypass, reads: 4 * NearCacheBypass.SampleEvery * (int)NearCacheBypass.WindowLookups, key: i => $"other{i}");

        Assert.False(store.HasFilled);
        Assert.False(bypass.IsBypassing);
    }

    [Fact]
    public void The_hit_ratio_bound_is_validated()
    {
        var options = new GridClientOptions();
        options.NearCache.MinHitRatio = 1.5;

        var errors = new GridClientOptionsValidator().Validate(null, options);

        Assert.True(errors.Failed);
        Assert.Contains("MinHitRatio", errors.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>A store that has been full (its entries are held0..heldN), and its bypass.</summary>
    private (NearCacheStore Store, NearCacheBypass Bypass) Filled()
    {
        var store = FilledStore.Create(_time, Capacity, NearCacheAdmission.ReRead);
        Assert.True(store.HasFilled);
        return (store, new NearCacheBypass(store, MinHitRatio));
    }

    /// <summary>Reads as the client does: asks the bypass, and looks up only when it consults. Returns the lookups made.</summary>
    private static int Read(NearCacheStore store, NearCacheBypass bypass, int reads, Func<int, string> key)
    {
        int consulted = 0;
        for (int i = 0; i < reads; i++)
        {
            string k = key(i);
            int hash = NearCacheTable.HashOf(k);
            if (bypass.Consults(hash))
            {
                consulted++;
                store.TryGet(k, hash, out _);
            }
        }

        return consulted;
    }
}
