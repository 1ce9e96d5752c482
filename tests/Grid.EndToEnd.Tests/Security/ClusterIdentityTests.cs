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
        // Orleans' gateway closes the connection of a client of another cluster id; the client gives up at its connect timeout.
        await using var silo = await SiloProcess.StartAsync(redis: null);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClientHost.StartAsync(o =>
        {
            o.Clustering.Gateways = [silo.Gateway];
            o.Clustering.ClusterId = "other-cluster";
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
        }));
        Assert.Contains("Unable to connect to any of the 1 available gateways", error.Message, StringComparison.Ordinal);
    }
}
