// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Text;
using Grid.Client;
using Grid.Protocol;
using Grid.Protocol.Wire;
using GridOp = grains::Grid.Protocol.GridOp;
using ResultStatus = grains::Grid.Protocol.ResultStatus;
using OpFlags = grains::Grid.Protocol.OpFlags;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;

namespace Grid.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private static string Key(string name) => $"bad:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Null_and_empty_keys_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.GetAsync(null!));
        var empty = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync("", "v"));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_over_the_limit_is_rejected_and_nothing_is_stored()
    {
        var key = new string('k', Cache.Limits.MaxKeyBytes + 1);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync(key, "v"));
        Assert.Contains("MaxKeyBytes", error.Message, StringComparison.Ordinal);

        // Multi-byte characters: within the char limit, over the byte limit.
        var wide = new string('é', Cache.Limits.MaxKeyBytes / 2 + 1);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync(wide, "v"));
        var atLimit = new string('k', Cache.Limits.MaxKeyBytes);
        await Cache.SetStringAsync(atLimit, "ok");
        Assert.Equal("ok", await Cache.GetStringAsync(atLimit));
    }

    [Fact]
    public async Task Key_with_unpaired_surrogate_is_rejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync("bad\uD800key", "v"));
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Value_over_the_limit_is_rejected_and_nothing_is_stored()
    {
        var key = Key("big");
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetAsync(key, new byte[Cache.Limits.MaxValueBytes + 1]));
        Assert.Contains("MaxValueBytes", error.Message, StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.HashSetAsync(key, "f", new byte[Cache.Limits.MaxValueBytes + 1]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.ListRightPushAsync(key, new byte[Cache.Limits.MaxValueBytes + 1]));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-100000)]
    public async Task Non_positive_ttl_is_rejected(int milliseconds)
    {
        var key = Key("ttl");
        var ttl = TimeSpan.FromMilliseconds(milliseconds);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(ttl)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetStringAsync(key, "v", GridEntryOptions.WithSlidingExpiration(ttl)));
        Assert.False(await Cache.ExistsAsync(key));
        await Cache.SetStringAsync(key, "v");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.ExpireAsync(key, ttl));
        Assert.Equal(GridTimeToLive.NoExpiry, await Cache.GetTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Absurd_ttl_is_rejected_with_the_limit_named()
    {
        var key = Key("absurd");
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetStringAsync(key, "v", GridEntryOptions.WithTimeToLive(TimeSpan.MaxValue)));
        Assert.Contains("MaxTimeToLive", error.Message, StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Absolute_expiration_in_the_past_or_with_a_ttl_is_rejected()
    {
        var key = Key("abs");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(-1) }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1), TimeToLive = TimeSpan.FromHours(1) }));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Unknown_set_condition_is_rejected()
    {
        var key = Key("condition");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { When = (SetCondition)99 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetManyAsync([KeyValuePair.Create(key, (ReadOnlyMemory<byte>)"v"u8.ToArray())], new GridEntryOptions { When = SetCondition.NotExists }));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Bad_tags_are_rejected()
    {
        var key = Key("tags");
        var tooMany = Enumerable.Range(0, Cache.Limits.MaxTagsPerEntry + 1).Select(i => $"t{i}").ToArray();
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { Tags = tooMany }));
        Assert.Contains("MaxTagsPerEntry", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { Tags = ["ok", ""] }));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.SetStringAsync(key, "v", new GridEntryOptions { Tags = ["ok", null!] }));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Bad_hash_fields_and_list_arguments_are_rejected()
    {
        var key = Key("fields");
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.HashSetAsync(key, null!, "v"u8.ToArray()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.HashGetAsync(key, ""));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.ListRightPushAsync(key, Array.Empty<ReadOnlyMemory<byte>>()));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Cache.ListRightPushAsync(key, (IReadOnlyList<ReadOnlyMemory<byte>>)null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Cache.DecrementAsync(key, long.MinValue));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Too_many_keys_in_one_call_are_rejected()
    {
        var keys = Enumerable.Range(0, Cache.Limits.MaxKeysPerCall + 1).Select(i => $"many:{i}").ToArray();
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.GetManyAsync(keys));
        Assert.Contains("MaxKeysPerCall", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_set_with_one_bad_key_stores_nothing()
    {
        var good = Key("multi-good");
        var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>> { new(good, "v"u8.ToArray()), new("", "v"u8.ToArray()) };
        await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetManyAsync(items));
        Assert.False(await Cache.ExistsAsync(good));
    }

    [Fact]
    public async Task Cancelled_token_stops_the_call_before_anything_is_sent()
    {
        var key = Key("cancelled");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cache.SetStringAsync(key, "v", cancellationToken: cts.Token));
        Assert.False(await Cache.ExistsAsync(key));

        // Multi-key calls alike, empty ones too (an empty GetManyAsync returned an empty array).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cache.GetManyAsync([], cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cache.GetManyAsync([key], cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cache.SetManyAsync([], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Silo_rejects_malformed_ops_that_bypass_the_client_and_stores_nothing()
    {
        var silo = fixture.Cluster.Silos[0].SiloAddress;
        var entry = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#0");
        var key = Key("raw");
        var ops = new[]
        {
            new GridOp { Code = OpCode.Set, Key = new byte[Cache.Limits.MaxKeyBytes + 1], Value = [1] },
            new GridOp { Code = OpCode.Set, Key = [], Value = [1] },
            new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = [1], Arg0 = -5 },
            new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = null },
            new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = [1], Flags = OpFlags.IfExists | OpFlags.IfNotExists },
            new GridOp { Code = (OpCode)200, Key = Encoding.UTF8.GetBytes(key) },
            new GridOp { Code = OpCode.ListPop, Key = Encoding.UTF8.GetBytes(key), Arg0 = 0 },
            new GridOp { Code = OpCode.HashSet, Key = Encoding.UTF8.GetBytes(key), Value = [1] },
        };
        var answer = await entry.Execute(OpFrame.Encode(ops));
        var results = ResultFrame.Decode(answer.ResultFrame);
        Assert.Equal(ops.Length, results.Length);
        Assert.All(results, r => Assert.Equal(ResultStatus.InvalidArgument, r.Status));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.Error)));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Partition_grain_rejects_keys_of_another_partition()
    {
        var key = Encoding.UTF8.GetBytes(Key("elsewhere"));
        int partition = Partitioning.PartitionHasher.GetPartition(key, 1024);
        var other = fixture.Cluster.Client.GetGrain<IPartitionGrain>((partition + 1) % 1024);
        var answer = await other.Execute(OpFrame.Encode([new GridOp { Code = OpCode.Set, Key = key, Value = [1] }]));
        var result = ResultFrame.Decode(answer.ResultFrame)[0];
        Assert.Equal(ResultStatus.InvalidArgument, result.Status);
        Assert.Contains("partition", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_refuses_a_malformed_frame_with_a_clear_error()
    {
        var silo = fixture.Cluster.Silos[0].SiloAddress;
        var entry = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(silo.ToParsableString() + "#0");
        var truncated = OpFrame.Encode([new GridOp { Code = OpCode.Set, Key = "k"u8.ToArray(), Value = new byte[100] }])[..20];
        var error = await Assert.ThrowsAsync<FormatException>(() => entry.Execute(truncated));
        Assert.Contains("Malformed frame", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FormatException>(() => entry.Execute([9, 1]));
    }
}
