using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Client;

namespace Grid.Cluster.Tests.Tags;

/// <summary>
/// The race rule of a tag invalidation: every entry written with the tag and acknowledged before the call began is
/// gone when it returns; a write racing the call may survive, and if it does it is indexed (the next invalidation
/// removes it); a write that starts after the call returned survives. Every written key is counted exactly once by the
/// two invalidations together.
/// </summary>
[Collection(TagsCollection.Name)]
public sealed class TagRaceTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    private sealed record Write(string Key, long Started, long Acknowledged);

    [Fact]
    public async Task Writes_acknowledged_before_invalidate_tag_began_are_gone_and_racing_survivors_stay_indexed()
    {
        string tag = $"race:{Guid.NewGuid():N}";
        var options = new GridEntryOptions { Tags = [tag] };
        var writes = new ConcurrentQueue<Write>();
        long invalidationEnded = long.MaxValue;
        int afterCount = 0;
        using var stop = new CancellationTokenSource();

        async Task WriterAsync(int writer)
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string key = $"{tag}:{writer}:{i}";
                long started = Stopwatch.GetTimestamp();
                await Cache.SetStringAsync(key, "v", options);
                writes.Enqueue(new Write(key, started, Stopwatch.GetTimestamp()));
                if (started > Volatile.Read(ref invalidationEnded) && Interlocked.Increment(ref afterCount) >= 200)
                {
                    await stop.CancelAsync();
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriterAsync(w))).ToArray();
        await Poll.UntilAsync(() => Task.FromResult(writes.Count >= 400), TimeSpan.FromSeconds(30), "400 tagged writes were acknowledged");

        long began = Stopwatch.GetTimestamp();
        long firstRemoved = await Cache.InvalidateTagAsync(tag);
        Volatile.Write(ref invalidationEnded, Stopwatch.GetTimestamp());
        await Task.WhenAll(writers);

        var all = writes.ToArray();
        var before = all.Where(w => w.Acknowledged < began).Select(w => w.Key).ToList();
        var after = all.Where(w => w.Started > invalidationEnded).Select(w => w.Key).ToList();
        var racing = all.Where(w => w.Acknowledged >= began && w.Started <= invalidationEnded).Select(w => w.Key).ToList();
        Assert.True(before.Count >= 400, $"only {before.Count} writes before the call");
        Assert.True(after.Count >= 200, $"only {after.Count} writes after the call");

        Assert.All(await Cache.GetManyAsync(before), Assert.Null);
        Assert.All(await Cache.GetManyAsync(after), Assert.NotNull);
        int racingSurvivors = racing.Count == 0 ? 0 : (await Cache.GetManyAsync(racing)).Count(v => v is not null);

        // Every survivor (racing or later) is indexed: the next invalidation removes exactly them.
        long secondRemoved = await Cache.InvalidateTagAsync(tag);
        Assert.Equal(after.Count + racingSurvivors, secondRemoved);
        Assert.Equal(all.Length, firstRemoved + secondRemoved);
        Assert.All(await Cache.GetManyAsync(all.Select(w => w.Key).ToList()), Assert.Null);
        await fixture.WaitForIndexAsync(tag, 0);
    }
}
