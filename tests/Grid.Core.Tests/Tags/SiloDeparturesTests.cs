using System.Net;
using Grid.Grains.Tags;
using Orleans.Runtime;

namespace Grid.Core.Tests.Tags;

/// <summary>
/// When a tag index shard must collect its pairs again before an invalidation: after any silo left since it last did,
/// including one that joined after it looked (the case a comparison of active silos alone missed).
/// </summary>
public sealed class SiloDeparturesTests
{
    private static readonly SiloAddress A = Silo(1);
    private static readonly SiloAddress B = Silo(2);
    private static readonly SiloAddress C = Silo(3);

    [Fact]
    public void Nothing_changed_is_no_departure() =>
        Assert.False(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Active)), Members((A, SiloStatus.Active), (B, SiloStatus.Active))));

    [Fact]
    public void A_silo_that_joined_is_no_departure() =>
        Assert.False(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active)), Members((A, SiloStatus.Active), (C, SiloStatus.Joining))));

    [Fact]
    public void A_silo_that_was_active_and_died_is_a_departure() =>
        Assert.True(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Active)), Members((A, SiloStatus.Active), (B, SiloStatus.Dead))));

    [Fact]
    public void A_silo_that_joined_after_the_shard_looked_and_died_is_a_departure() =>
        Assert.True(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Active)), Members((A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Dead))));

    [Theory]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    public void A_silo_stopping_is_a_departure(SiloStatus status) =>
        Assert.True(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Active)), Members((A, SiloStatus.Active), (B, status))));

    [Fact]
    public void A_silo_already_dead_before_is_no_new_departure() =>
        Assert.False(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Dead)), Members((A, SiloStatus.Active), (B, SiloStatus.Dead))));

    [Fact]
    public void An_active_silo_no_longer_listed_is_a_departure() =>
        Assert.True(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Active)), Members((A, SiloStatus.Active))));

    [Fact]
    public void A_dead_silo_whose_entry_was_cleaned_up_is_no_new_departure() =>
        Assert.False(SiloDepartures.AnyLeftSince(Members((A, SiloStatus.Active), (B, SiloStatus.Dead)), Members((A, SiloStatus.Active))));

    private static Dictionary<SiloAddress, ClusterMember> Members(params (SiloAddress Silo, SiloStatus Status)[] members) =>
        members.ToDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Silo.ToString()));

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);
}
