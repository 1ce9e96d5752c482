// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using System.Text;
using Grid.Client;
using Grid.Client.Hosting;
using Grid.Protocol;
using Grid.Protocol.Wire;
using GridOp = grains::Grid.Protocol.GridOp;
using ResultStatus = grains::Grid.Protocol.ResultStatus;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;

namespace Grid.Cluster.Tests.Security;

/// <summary>Each request limit, hit through the client (which checks first) and straight at the silo (which trusts no client).</summary>
public sealed class LimitTests(LimitsClusterFixture fixture) : IClassFixture<LimitsClusterFixture>
{
    private GridCache Cache => fixture.Cache;

    private ISiloEntryGrain Entry => fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(fixture.Cluster.Silos[0].SiloAddress.ToParsableString() + "#0");

    private static string Key(string name) => $"limit:{name}:{Guid.NewGuid():N}";

    [Fact]
    public void Client_takes_the_clusters_limits_at_connect()
    {
        Assert.Equal(LimitsClusterFixture.Small.MaxRequestBytes, Cache.Limits.MaxRequestBytes);
        Assert.Equal(100, Cache.Limits.MaxKeysPerCall);
    }

    [Fact]
    public async Task Multi_key_calls_over_MaxKeysPerCall_are_refused_by_the_client_and_whole_by_the_silo()
    {
        var keys = Enumerable.Range(0, 101).Select(i => Key($"many{i}")).ToArray();
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.GetManyAsync(keys));
        Assert.Contains("MaxKeysPerCall", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetManyAsync(keys.Select(k => KeyValuePair.Create(k, (ReadOnlyMemory<byte>)"v"u8.ToArray())).ToList()));
        Assert.Contains("MaxKeysPerCall", error.Message, StringComparison.Ordinal);

        var frame = OpFrame.Encode(keys.Select(k => new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(k), Value = [1] }).ToArray());
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Entry.Execute(frame));
        Assert.Contains("101 operations, more than MaxKeysPerCall (100)", refused.Message, StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(keys[0]));
    }

    [Fact]
    public async Task Values_over_MaxValueBytes_are_refused_by_the_client_and_the_silo()
    {
        var key = Key("value");
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetAsync(key, new byte[64 * 1024 + 1]));
        Assert.Contains("MaxValueBytes", error.Message, StringComparison.Ordinal);
        var answer = await Entry.Execute(OpFrame.Encode([new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = new byte[64 * 1024 + 1] }]));
        var result = ResultFrame.Decode(answer.ResultFrame)[0];
        Assert.Equal(ResultStatus.InvalidArgument, result.Status);
        Assert.Contains("MaxValueBytes", result.Error, StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Requests_over_MaxRequestBytes_are_refused_by_the_client_and_whole_by_the_silo_storing_nothing()
    {
        // 20 values of 60 KiB: each within MaxValueBytes, 1.2 MB in all, over MaxRequestBytes (1 MiB).
        var items = Enumerable.Range(0, 20).Select(i => KeyValuePair.Create(Key($"bytes{i}"), (ReadOnlyMemory<byte>)new byte[60 * 1024])).ToList();
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Cache.SetManyAsync(items));
        Assert.Contains("MaxRequestBytes (1048576)", error.Message, StringComparison.Ordinal);

        var frame = OpFrame.Encode(items.Select(i => new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(i.Key), Value = i.Value.ToArray() }).ToArray());
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Entry.Execute(frame));
        Assert.Contains("more than MaxRequestBytes (1048576)", refused.Message, StringComparison.Ordinal);
        var partition = Partitioning.PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(items[0].Key), 1024);
        refused = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Cluster.Client.GetGrain<IPartitionGrain>(partition).Execute(frame));
        Assert.Contains("MaxRequestBytes", refused.Message, StringComparison.Ordinal);
        foreach (var item in items)
        {
            Assert.False(await Cache.ExistsAsync(item.Key));
        }

        // The same values in calls within the limit go through.
        await Cache.SetManyAsync(items.Take(10).ToList());
        Assert.True(await Cache.ExistsAsync(items[9].Key));
    }

    [Fact]
    public async Task Batches_are_cut_to_the_clusters_MaxKeysPerCall()
    {
        using var wide = await fixture.ConnectAsync(new GridClientOptions { MaxBatchSize = 1000, NearCache = { Enabled = false } });
        var keys = Enumerable.Range(0, 300).Select(i => Key($"wide{i}")).ToArray();
        // 300 concurrent single operations queue on one channel; each batch leaves with at most 100 of them.
        await Task.WhenAll(keys.Select(k => wide.SetAsync(k, "v"u8.ToArray()).AsTask()));
        Assert.All(await wide.GetManyAsync(keys.Take(100).ToArray()), v => Assert.Equal("v"u8.ToArray(), v));
    }

    [Fact]
    public void A_gateway_that_closes_the_connection_is_explained_by_the_client()
    {
        var closed = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect", new Microsoft.AspNetCore.Connections.ConnectionAbortedException("Underlying connection closed"));
        Assert.Contains("ClusterId", BackoffConnectionRetryFilter.Hint(closed), StringComparison.Ordinal);
        Assert.Contains("GridClient:Tls", BackoffConnectionRetryFilter.Hint(closed), StringComparison.Ordinal);
        Assert.DoesNotContain("ClusterId", BackoffConnectionRetryFilter.Hint(new TimeoutException()), StringComparison.Ordinal);

        // The same refusal reached the client as a socket shut down or reset once in about 18 runs (TlsTests in the CLI):
        // it is the gateway closing the connection, not a port where no silo runs.
        foreach (var error in new[] { System.Net.Sockets.SocketError.Shutdown, System.Net.Sockets.SocketError.ConnectionReset })
        {
            var dropped = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect", new System.Net.Sockets.SocketException((int)error));
            Assert.Contains("GridClient:Tls", BackoffConnectionRetryFilter.Hint(dropped), StringComparison.Ordinal);
            Assert.Equal("the gateway closed the connection", BackoffConnectionRetryFilter.Reason(dropped));
        }

        var refused = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to 127.0.0.1:30000. Error: ConnectionRefused");
        Assert.Contains("is a silo running there?", BackoffConnectionRetryFilter.Hint(refused), StringComparison.Ordinal);
        Assert.Equal("connection refused", BackoffConnectionRetryFilter.Reason(refused));
    }

    [Fact]
    public async Task A_gateway_of_another_cluster_id_and_a_closed_port_are_explained_in_words()
    {
        var otherCluster = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to any of the 1 available gateways.", new InvalidOperationException("Unexpected cluster id \"grid\", expected \"other\""));
        Assert.Equal("the gateway belongs to cluster id 'grid', not 'other'", BackoffConnectionRetryFilter.Reason(otherCluster));
        Assert.Equal("set GridClient:Clustering:ClusterId to the silos' Grid:Clustering:ClusterId ('grid')", BackoffConnectionRetryFilter.Hint(otherCluster));

        // Orleans' cooldown after a failed attempt says nothing; the attempt before it does.
        var filter = new BackoffConnectionRetryFilter(TimeSpan.FromMilliseconds(150), "at 127.0.0.1:30000", Microsoft.Extensions.Logging.Abstractions.NullLogger<BackoffConnectionRetryFilter>.Instance);
        var cooldown = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to S127.0.0.1:30000:0, will retry after 265.6963ms");
        Assert.True(await filter.ShouldRetryConnectionAttempt(otherCluster, CancellationToken.None));
        var givenUp = await Assert.ThrowsAsync<GridUnavailableException>(() => filter.ShouldRetryConnectionAttempt(cooldown, CancellationToken.None));
        Assert.StartsWith("cannot reach the grid at 127.0.0.1:30000: the gateway belongs to cluster id 'grid', not 'other' (2 attempts over ", givenUp.Message, StringComparison.Ordinal);
        Assert.EndsWith("set GridClient:Clustering:ClusterId to the silos' Grid:Clustering:ClusterId ('grid')", givenUp.Message, StringComparison.Ordinal);
        Assert.Same(cooldown, givenUp.InnerException);

        var refused = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to any of the 1 available gateways.", new InvalidOperationException("Unable to connect to 127.0.0.1:30000. Error: ConnectionRefused"));
        Assert.Equal("connection refused", BackoffConnectionRetryFilter.Reason(refused));
        Assert.StartsWith("is a silo running there? start a local silo with 'dotnet run --project src/Silo'", BackoffConnectionRetryFilter.Hint(refused), StringComparison.Ordinal);
    }
}
