using Grid.Client;
using Grid.Grains.Hosting;
using Grid.Protocol;

namespace Grid.Cluster.Tests.Tags;

/// <summary>A two-silo cluster with a 4 MiB budget per silo, so tagged entries get evicted.</summary>
public sealed class TagEvictionFixture : ClusterFixture
{
    protected override void ConfigureGrid(GridSiloOptions options)
    {
        base.ConfigureGrid(options);
        options.MaxMemoryBytes = 4L << 20;
    }
}

public sealed class TagEvictionTests(TagEvictionFixture fixture) : IClassFixture<TagEvictionFixture>
{
    [Fact]
    public async Task Evicted_keys_leave_the_tag_index()
    {
        var cache = fixture.Cache;
        string tag = $"evicted:{Guid.NewGuid():N}";
        var value = new byte[4096];
        var keys = Enumerable.Range(0, 4000).Select(i => $"{tag}:{i}").ToList();
        foreach (var chunk in keys.Chunk(500))
        {
            await cache.SetManyAsync(chunk.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)value)).ToList(), new GridEntryOptions { Tags = [tag] });
        }

        var stats = await cache.GetSiloStatisticsAsync();
        Assert.True(stats.Sum(s => s.Evictions) > 1000, "the budget should have forced evictions");
        var present = new List<string>();
        foreach (var chunk in keys.Chunk(1000))
        {
            var values = await cache.GetManyAsync(chunk);
            present.AddRange(chunk.Where((_, i) => values[i] is not null));
        }

        var invalidation = fixture.Cluster.Client.GetGrain<IInvalidationGrain>(0);
        await Poll.UntilAsync(async () => (await invalidation.GetTagIndexInfo(tag)).Keys == present.Count, TimeSpan.FromSeconds(20), $"the index holds only the {present.Count} surviving keys");
        Assert.Equal(present.Count, await cache.InvalidateTagAsync(tag));
    }
}
