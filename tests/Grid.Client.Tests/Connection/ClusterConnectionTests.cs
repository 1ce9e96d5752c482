using System.Reflection;
using Grid.Client.Connection;
using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Grid.Client.Tests.Connection;

/// <summary>
/// Connecting reads the cluster's settings from a silo's entry. A cluster that is still forming may reject that call
/// (the entry was placed before the silo it names was known, and leaves: "Forwarding failed … invalid activation", seen
/// failing a test fixture's connect in CI); connecting tries again, on the next silo, until
/// <see cref="GridClientOptions.ConnectTimeout"/>, and then fails with a typed error naming the setting.
/// </summary>
public sealed class ClusterConnectionTests : IDisposable
{
    private readonly FakeRoutingCluster _cluster = new();
    private readonly SiloAddress _silo = TestOps.Silo(1);
    private readonly GridClientOptions _options = new() { PartitionCount = 16, ConnectTimeout = TimeSpan.FromSeconds(10) };
    private readonly PartitionRouter _router;

    public ClusterConnectionTests()
    {
        _router = new PartitionRouter(_cluster, _options, NullLogger.Instance, new RequestSequencer());
        _cluster.SetHosts((_silo, SiloStatus.Active));
    }

    public void Dispose() => _router.Dispose();

    [Fact]
    public async Task A_rejected_settings_call_is_tried_again_and_the_connect_succeeds()
    {
        int calls = 0;
        _cluster[_silo].ClusterInfo = () => Interlocked.Increment(ref calls) <= 2
            ? Task.FromException<GridClusterInfo>(Rejection("Forwarding failed: tried to forward message … to invalid activation. Rejecting now."))
            : Task.FromResult(Info());
        var connection = new ClusterConnection(FakeClusterClient.Create(), _options, _router, null, NullLogger.Instance);

        await connection.ConnectAsync(CancellationToken.None);

        Assert.True(connection.IsConnected);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_cluster_that_never_answers_fails_the_connect_with_a_typed_error_naming_the_setting()
    {
        _options.ConnectTimeout = TimeSpan.FromMilliseconds(300);
        _cluster[_silo].ClusterInfo = () => Task.FromException<GridClusterInfo>(new SiloUnavailableException("gone"));
        var connection = new ClusterConnection(FakeClusterClient.Create(), _options, _router, null, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<GridUnavailableException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Contains("GridClient:ConnectTimeout", error.Message, StringComparison.Ordinal);
        Assert.IsType<SiloUnavailableException>(error.InnerException);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task A_wrong_cluster_is_refused_at_once_not_tried_again()
    {
        int calls = 0;
        _cluster[_silo].ClusterInfo = () =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Info() with { PartitionCount = 32 });
        };
        var connection = new ClusterConnection(FakeClusterClient.Create(), _options, _router, null, NullLogger.Instance);

        await Assert.ThrowsAsync<GridConfigurationException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(1, calls);
    }

    /// <summary>The exception Orleans throws for a rejected message (its constructor is not public).</summary>
    private static OrleansMessageRejectionException Rejection(string message) =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, [message], null)!;

    private GridClusterInfo Info() => new(_options.PartitionCount, _options.Limits, _options.Clustering.ServiceId, _options.Clustering.ClusterId);
}
