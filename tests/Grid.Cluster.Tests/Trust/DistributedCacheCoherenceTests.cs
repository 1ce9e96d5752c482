using System.Text;
using Grid.Client;
using Grid.Extensions.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Tests.Trust;

/// <summary>
/// A distributed cache is coherent across servers: after one server's acknowledged remove or write, another server's
/// next read through <see cref="IDistributedCache"/> sees it (an outside suite found the old value 40 times in 40 when
/// the adapter read through the near cache, whose push arrives a few milliseconds later).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DistributedCacheCoherenceTests(ClusterFixture fixture)
{
    private const int Rounds = 40;

    [Fact]
    public async Task Another_servers_acknowledged_remove_and_write_are_seen_by_the_next_read()
    {
        var serverA = await fixture.ConnectAsync(new GridClientOptions());
        var serverB = await fixture.ConnectAsync(new GridClientOptions());
        try
        {
            IDistributedCache a = new GridDistributedCache(serverA, Options.Create(new GridDistributedCacheOptions()));
            IDistributedCache b = new GridDistributedCache(serverB, Options.Create(new GridDistributedCacheOptions()));
            int staleAfterRemove = 0;
            int staleAfterWrite = 0;
            for (int round = 0; round < Rounds; round++)
            {
                string key = $"coherent:{round}";
                await b.SetAsync(key, Encoding.UTF8.GetBytes("old"), new DistributedCacheEntryOptions());
                Assert.Equal("old", Encoding.UTF8.GetString((await a.GetAsync(key))!));
                Assert.Equal("old", Encoding.UTF8.GetString((await a.GetAsync(key))!));

                await b.RemoveAsync(key);
                if (await a.GetAsync(key) is not null)
                {
                    staleAfterRemove++;
                }

                await b.SetAsync(key, Encoding.UTF8.GetBytes("first"), new DistributedCacheEntryOptions());
                Assert.NotNull(await a.GetAsync(key));
                await b.SetAsync(key, Encoding.UTF8.GetBytes("second"), new DistributedCacheEntryOptions());
                if (Encoding.UTF8.GetString((await a.GetAsync(key))!) != "second")
                {
                    staleAfterWrite++;
                }
            }

            Assert.Equal(0, staleAfterRemove);
            Assert.Equal(0, staleAfterWrite);
        }
        finally
        {
            await serverA.DisposeAsync();
            await serverB.DisposeAsync();
        }
    }
}
