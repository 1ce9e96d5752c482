namespace Grid.Client.Routing;

/// <summary>An immutable snapshot: the silos, and for each partition the channel of the silo believed to hold it.</summary>
internal sealed class RoutingTable(SiloChannel[] silos, SiloChannel[] byPartition)
{
    public static RoutingTable Empty { get; } = new([], []);

    public SiloChannel[] Silos { get; } = silos;

    public SiloChannel[] ByPartition { get; } = byPartition;
}
