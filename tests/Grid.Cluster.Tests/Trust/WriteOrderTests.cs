using Grid.Client;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// One client's operations on one key apply in the order it issued them: a write issued after another (the first not
/// awaited yet, or cancelled by its caller) is not overwritten by it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WriteOrderTests(ClusterFixture fixture)
{
    private const int Rounds = 100;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_write_issued_after_another_not_yet_awaited_is_the_one_that_stays(bool nearCache)
    {
        using var grid = await fixture.ConnectAsync(new GridClientOptions { NearCache = { Enabled = nearCache } });
        var wrong = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            string key = $"order:{nearCache}:{Guid.NewGuid():N}";
            var first = grid.SetAsync(key, "v1"u8.ToArray()).AsTask();
            Assert.True(await grid.SetAsync(key, "v2"u8.ToArray()));
            await first;
            var stored = await grid.GetAsync(key, new GridReadOptions { BypassNearCache = true });
            if (stored is null || System.Text.Encoding.UTF8.GetString(stored) != "v2")
            {
                wrong.Add(key);
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} keys ended at the earlier write");
    }

    [Fact]
    public async Task A_cancelled_write_does_not_overwrite_a_later_acknowledged_one()
    {
        using var grid = await fixture.ConnectAsync(new GridClientOptions());
        var wrong = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            string key = $"order:cancelled:{Guid.NewGuid():N}";
            using var cancel = new CancellationTokenSource();
            var first = grid.SetAsync(key, "v1"u8.ToArray(), null, cancel.Token).AsTask();
            cancel.Cancel();
            try
            {
                await first;
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting; the write may still apply, but not after a later one.
            }

            Assert.True(await grid.SetAsync(key, "v2"u8.ToArray()));
            var stored = await grid.GetAsync(key, new GridReadOptions { BypassNearCache = true });
            if (stored is null || System.Text.Encoding.UTF8.GetString(stored) != "v2")
            {
                wrong.Add(key);
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Rounds} keys ended at the cancelled earlier write");
    }
}
