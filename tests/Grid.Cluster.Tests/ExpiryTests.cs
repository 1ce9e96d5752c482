using System.Text;
using Grid.Client;
using Grid.Grains.Partitions;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grid.Cluster.Tests;

[Collection(FakeClockCollection.Name)]
public sealed class ExpiryTests(FakeClockClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Key(string name) => $"expiry:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Set_with_ttl_expires_entry_after_ttl()
    {
        var key = Key("ttl");
        await Cache.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromSeconds(30)));
        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("v", await Cache.GetStringAsync(key));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Cache.GetAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Ttl_reports_remaining_time_no_expiry_and_missing()
    {
        var key = Key("remaining");
        await Cache.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(TimeSpan.FromSeconds(60)));
        fixture.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new GridTimeToLive(true, TimeSpan.FromSeconds(45)), await Cache.GetTimeToLiveAsync(key));
        Assert.True(await Cache.PersistAsync(key));
        Assert.False(await Cache.PersistAsync(key));
        Assert.Equal(GridTimeToLive.NoExpiry, await Cache.GetTimeToLiveAsync(key));
        Assert.Equal(GridTimeToLive.Missing, await Cache.GetTimeToLiveAsync(Key("absent")));
    }

    [Fact]
    public async Task Expire_gives_an_existing_key_a_ttl()
    {
        var key = Key("expire");
        Assert.False(await Cache.ExpireAsync(key, TimeSpan.FromSeconds(5)));
        await Cache.SetStringAsync(key, "v");
        Assert.True(await Cache.ExpireAsync(key, TimeSpan.FromSeconds(5)));
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Expire_applies_to_hashes_and_lists_too()
    {
        var hash = Key("hash");
        var list = Key("list");
        await Cache.HashSetAsync(hash, "f", "v"u8.ToArray());
        await Cache.ListRightPushAsync(list, "v"u8.ToArray());
        await Cache.ExpireAsync(hash, TimeSpan.FromSeconds(2));
        await Cache.ExpireAsync(list, TimeSpan.FromSeconds(2));
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await Cache.HashGetAllAsync(hash));
        Assert.Equal(0, await Cache.ListLengthAsync(list));
    }

    [Fact]
    public async Task Sliding_expiration_is_extended_by_reads_and_capped_by_ttl()
    {
        var key = Key("sliding");
        await Cache.SetStringAsync(key, "v", new GridEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10), TimeToLive = TimeSpan.FromSeconds(25) });
        for (int i = 0; i < 2; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(9));
            Assert.Equal("v", await Cache.GetStringAsync(key));
        }

        // 18 s in: the sliding deadline would be 28 s, the absolute cap of 25 s wins.
        fixture.Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Sliding_entry_keeps_its_deadline_when_its_partition_moves()
    {
        // A move is not an access: the entry keeps the deadline its last read gave it (a warm restart measured up to
        // 7 s more than that for sliding entries, about the time the restart took).
        var key = Key("sliding-moved");
        await Cache.SetStringAsync(key, "v", GridEntryOptions.WithSlidingExpiration(TimeSpan.FromMinutes(10)));
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new GridTimeToLive(true, TimeSpan.FromMinutes(9)), await Cache.GetTimeToLiveAsync(key));

        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
        await PartitionMoves.MoveToAnotherSiloAsync(fixture.Cluster, partition);

        Assert.Equal(new GridTimeToLive(true, TimeSpan.FromMinutes(9)), await Cache.GetTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Sliding_entry_expires_when_not_read()
    {
        var key = Key("sliding-idle");
        await Cache.SetStringAsync(key, "v", GridEntryOptions.WithSlidingExpiration(TimeSpan.FromSeconds(10)));
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Active_sweep_removes_expired_entries_nobody_reads()
    {
        var prefix = Key("sweep");
        var keys = Enumerable.Range(0, 300).Select(i => $"{prefix}:{i}").ToList();
        await Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList(), GridEntryOptions.WithTimeToLive(TimeSpan.FromSeconds(1)));
        long expirationsBefore = (await Cache.GetSiloStatisticsAsync()).Sum(s => s.Expirations);

        await Poll.UntilAsync(async () =>
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            return (await Cache.GetSiloStatisticsAsync()).Sum(s => s.Expirations) - expirationsBefore >= keys.Count;
        }, TimeSpan.FromSeconds(20), "the sweep expired every key");
    }
}
