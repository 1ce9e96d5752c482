using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Client.Tests.Fakes;

/// <summary>
/// An Orleans cluster client that only has a service provider (empty: the connection then checks the cluster's identity
/// against <see cref="GridClientOptions.Clustering"/>); any other member throws.
/// </summary>
public class FakeClusterClient : DispatchProxy
{
    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    /// <summary>A client whose only working member is <see cref="IClusterClient.ServiceProvider"/>.</summary>
    public static IClusterClient Create() => Create<IClusterClient, FakeClusterClient>();

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod?.Name == "get_ServiceProvider" ? Services : throw new NotSupportedException($"The fake cluster client has no {targetMethod?.Name}.");
}
