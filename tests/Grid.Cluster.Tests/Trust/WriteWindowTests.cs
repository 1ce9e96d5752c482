using Grid.Client;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// A client numbers its writes (request ids, for exactly-once retries) and lets at most 65,536 of them be outstanding
/// at once, counted from its oldest unanswered one. More writes than that at once (a burst, or one write held up by a
/// silo that froze while the rest go on) must wait for room within their deadline, not fail.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WriteWindowTests(ClusterFixture fixture)
{
    private const int Calls = 70;
    private const int KeysPerCall = 1_000;

    [Fact]
    public async Task A_burst_of_more_writes_than_may_be_outstanding_waits_for_room_instead_of_failing()
    {
        var cache = fixture.Cache;
        string prefix = Guid.NewGuid().ToString("N");
        var value = new byte[16];

        // 70,000 writes in flight at once: more ids than the window holds (65,536).
        var calls = new Task[Calls];
        for (int c = 0; c < Calls; c++)
        {
            var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(KeysPerCall);
            for (int k = 0; k < KeysPerCall; k++)
            {
                items.Add(new($"window:{prefix}:{c}:{k}", value));
            }

            calls[c] = cache.SetManyAsync(items).AsTask();
        }

        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        var check = new List<string>();
        for (int c = 0; c < Calls; c += 7)
        {
            check.Add($"window:{prefix}:{c}:0");
            check.Add($"window:{prefix}:{c}:{KeysPerCall - 1}");
        }

        var read = await cache.GetManyAsync(check);
        Assert.All(read, v => Assert.NotNull(v));
    }
}
