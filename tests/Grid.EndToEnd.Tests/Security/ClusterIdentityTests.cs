using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>A client configured for another cluster or service is refused at connect.</summary>
public sealed class ClusterIdentityTests
{
    [Fact]
    public async Task Client_with_another_service_id_is_refused_at_connect_naming_both_ids()
    {
        // Orleans' gateway does not check the service id; the client checks the cluster's at connect.
        await using var silo = await SiloProcess.StartAsync(redis: null);
        var error = await Assert.ThrowsAsync<GridConfigurationException>(() => ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [silo.Gateway];
            o.Clustering.ServiceId = "other-service";
            o.ConnectTimeout = TimeSpan.FromSeconds(3);
        }));
        Assert.Contains("'other-service/grid'", error.Message, StringComparison.Ordinal);
        Assert.Contains("reached cluster 'grid/grid'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_with_another_cluster_id_is_refused_by_the_gateway_at_connect()
    {
        // Orleans' gateway closes the connection of a client of another cluster id; the client gives up at its connect
        // timeout with one message that says so and names the setting to check.
        await using var silo = await SiloProcess.StartAsync(redis: null);
        var error = await Assert.ThrowsAsync<GridUnavailableException>(() => ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [silo.Gateway];
            o.Clustering.ClusterId = "other-cluster";
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
        }));
        // Depending on timing Orleans reports the gateway's cluster id, or only that the gateway closed the connection.
        Assert.True(
            error.Message.StartsWith($"cannot reach the grid at {silo.Gateway}: the gateway belongs to cluster id 'grid', not 'other-cluster' (", StringComparison.Ordinal)
            || error.Message.StartsWith($"cannot reach the grid at {silo.Gateway}: the gateway closed the connection (", StringComparison.Ordinal),
            error.Message);
        Assert.Contains("GridClient:Clustering:ClusterId", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("is a silo running there?", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
