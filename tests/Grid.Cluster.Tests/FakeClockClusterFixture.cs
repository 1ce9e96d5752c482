using Grid.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Cluster.Tests;

/// <summary>A two-silo cluster whose stores (expiry, LRU stamps, sweep timer) run on one shared fake clock.</summary>
public sealed class FakeClockClusterFixture : ClusterFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton(new GridClock(Time));
}

[CollectionDefinition(Name)]
public sealed class FakeClockCollection : ICollectionFixture<FakeClockClusterFixture>
{
    public const string Name = "fake-clock";
}
