using Grid.Fault.Tests.Cluster;

namespace Grid.Fault.Tests.Harness;

/// <summary>Entries of Orleans' Redis membership table, as a silo of this repository writes them.</summary>
public sealed class MembershipTableTests
{
    [Fact]
    public void An_entry_gives_the_silo_port_and_status()
    {
        const string entry = """{"SiloAddress":{"SiloAddress":"127.0.0.1:21111@155325994"},"Status":6,"SuspectTimes":[],"ProxyPort":21112,"HostName":"vm"}""";
        Assert.Equal((21111, MembershipWatcher.Dead), MembershipWatcher.Parse(entry));
    }

    [Fact]
    public void The_version_field_is_not_an_entry() => Assert.Null(MembershipWatcher.Parse("2"));
}
