namespace Grid.Grains.Hosting;

/// <summary>
/// Something the silo checks before it starts (a port is free, the Redis membership store answers). A failed check
/// throws an exception whose message is one line naming the setting and what to do: <see cref="GridConfigurationException"/>
/// for a setting to change, <see cref="SiloStartupException"/> for something unreachable. Checks run once: the silo
/// process runs them before starting its host, <see cref="SiloStartupChecks"/> in any other host.
/// </summary>
public interface ISiloStartupCheck
{
    /// <summary>Runs the check (again only if it has not passed yet).</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
