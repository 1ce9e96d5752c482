using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>Channels of silos that left the routing table, until their silo is declared dead (then their calls are abandoned).</summary>
internal sealed partial class PartitionRouter
{
    private readonly List<SiloChannel> _leaving = [];

    /// <summary>
    /// A silo that stops gracefully leaves the table while it still answers the calls it has (they are not abandoned);
    /// once membership declares it dead, whatever is still out to it will never be answered and is abandoned.
    /// </summary>
    private void AbandonDead(SiloChannel[] previous, Dictionary<SiloAddress, SiloStatus> hosts)
    {
        var current = Table.Silos;
        lock (_leaving)
        {
            foreach (var channel in previous)
            {
                if (Find(current, channel.Silo) is null && !_leaving.Contains(channel))
                {
                    _leaving.Add(channel);
                }
            }

            for (int i = _leaving.Count - 1; i >= 0; i--)
            {
                var channel = _leaving[i];
                bool dead = !hosts.TryGetValue(channel.Silo, out var status) || status == SiloStatus.Dead;
                if (status is SiloStatus.ShuttingDown or SiloStatus.Stopping)
                {
                    channel.LeftGracefully = true;
                }

                if (dead)
                {
                    channel.Abandon();
                    _leaving.RemoveAt(i);
                }
            }
        }
    }
}
