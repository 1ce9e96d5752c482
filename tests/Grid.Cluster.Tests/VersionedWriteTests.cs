using System.Globalization;
using System.Text;
using Grid.Client;
using Grid.Grains.Partitions;
using Grid.Protocol;
using Grid.Partitioning;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grid.Cluster.Tests;

/// <summary>
/// Versioned writes through the client (optimistic concurrency): read-modify-write loops that write back with
/// <see cref="GridEntryOptions.IfVersion"/> lose no update under contention, a conflict is an answer that changes nothing,
/// and an entry keeps its version when its partition moves.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VersionedWriteTests(ClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Key(string name) => $"versioned:{name}:{Guid.NewGuid():N}";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Eight_concurrent_read_modify_write_loops_on_one_key_lose_no_update()
    {
        const int Loops = 8;
        const int UpdatesEach = 40;
        var key = Key("rmw");
        await Cache.SetAsync(key, B("0"));

        // Half of the loops go through a second client with its near cache on: a versioned read never comes from it.
        await using var near = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = true } });
        int conflicts = 0;
        var loops = Enumerable.Range(0, Loops).Select(i => Task.Run(async () =>
        {
            IGridCache cache = i % 2 == 0 ? Cache : near;
            for (int done = 0; done < UpdatesEach;)
            {
                var current = await cache.GetWithVersionAsync(key);
                long next = long.Parse(Encoding.UTF8.GetString(current.Value!), CultureInfo.InvariantCulture) + 1;
                var written = await cache.SetWithVersionAsync(key, B(next.ToString(CultureInfo.InvariantCulture)), new GridEntryOptions { IfVersion = current.Version });
                if (written.Applied)
                {
                    Assert.True(written.Version > current.Version);
                    done++;
                }
                else
                {
                    Assert.NotEqual(current.Version, written.Version);
                    Interlocked.Increment(ref conflicts);
                }
            }
        })).ToArray();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal((Loops * UpdatesEach).ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString((await Cache.GetAsync(key))!));
        Assert.Equal((Loops * UpdatesEach).ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString((await near.GetAsync(key))!));
    }

    [Fact]
    public async Task A_conflict_is_an_answer_that_changes_nothing()
    {
        var key = Key("conflict");
        var first = await Cache.SetWithVersionAsync(key, B("one"));
        var second = await Cache.SetWithVersionAsync(key, B("two"), new GridEntryOptions { IfVersion = first.Version });
        Assert.True(first.Applied && second.Applied);
        Assert.True(second.Version > first.Version);

        Assert.False(await Cache.SetAsync(key, B("stale"), new GridEntryOptions { IfVersion = first.Version, TimeToLive = TimeSpan.FromSeconds(5) }));
        Assert.Equal(new GridWriteResult(false, second.Version), await Cache.SetWithVersionAsync(key, B("stale"), new GridEntryOptions { IfVersion = first.Version }));
        Assert.Equal(new GridWriteResult(false, second.Version), await Cache.RemoveWithVersionAsync(key, new GridEntryOptions { IfVersion = first.Version }));
        var read = await Cache.GetWithVersionAsync(key);
        Assert.Equal(second.Version, read.Version);
        Assert.Equal(B("two"), read.Value);
        Assert.False((await Cache.GetTimeToLiveAsync(key)).Remaining.HasValue);

        Assert.Equal(new GridWriteResult(true, 0), await Cache.RemoveWithVersionAsync(key, new GridEntryOptions { IfVersion = second.Version }));
        Assert.Equal(GridVersionedValue.Missing, await Cache.GetWithVersionAsync(key));
    }

    [Fact]
    public async Task Version_0_creates_only_while_the_key_is_absent()
    {
        var key = Key("create");
        var created = await Cache.SetWithVersionAsync(key, B("first"), new GridEntryOptions { IfVersion = 0 });
        var again = await Cache.SetWithVersionAsync(key, B("second"), new GridEntryOptions { IfVersion = 0 });

        Assert.True(created.Applied);
        Assert.Equal(new GridWriteResult(false, created.Version), again);
        Assert.Equal("first", await Cache.GetStringAsync(key));
    }

    [Fact]
    public async Task An_increment_answers_its_new_version_for_the_next_conditional_write()
    {
        var key = Key("counter");
        var one = await Cache.IncrementWithVersionAsync(key, 5);
        var two = await Cache.IncrementWithVersionAsync(key, 2);

        Assert.Equal(5, one.Value);
        Assert.Equal(7, two.Value);
        Assert.True(two.Version > one.Version);
        Assert.Equal(two.Version, (await Cache.GetWithVersionAsync(key)).Version);
        Assert.False(await Cache.SetAsync(key, B("0"), new GridEntryOptions { IfVersion = one.Version }));
        Assert.True(await Cache.SetAsync(key, B("0"), new GridEntryOptions { IfVersion = two.Version }));
    }

    [Fact]
    public async Task An_entry_keeps_its_version_when_its_partition_moves()
    {
        var key = $"versioned:move:{{{Guid.NewGuid():N}}}";
        int partition = PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), 1024);
        var written = await Cache.SetWithVersionAsync(key, B("v"));

        await PartitionMoves.MoveToAnotherSiloAsync(fixture.Cluster, partition);

        Assert.Equal(written.Version, (await Cache.GetWithVersionAsync(key)).Version);
        var next = await Cache.SetWithVersionAsync(key, B("w"), new GridEntryOptions { IfVersion = written.Version });
        Assert.True(next.Applied);
        Assert.True(next.Version > written.Version);
    }

    [Fact]
    public async Task Bad_version_options_are_refused_before_anything_is_sent()
    {
        var key = Key("bad");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetAsync(key, B("v"), new GridEntryOptions { IfVersion = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetAsync(key, B("v"), new GridEntryOptions { IfVersion = 1, When = SetCondition.NotExists }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetManyAsync([new(key, B("v"))], new GridEntryOptions { IfVersion = 1 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.RemoveWithVersionAsync(key, new GridEntryOptions { IfVersion = 1, TimeToLive = TimeSpan.FromSeconds(1) }));
        Assert.False(await Cache.ExistsAsync(key));
    }
}
