using System.Net;
using Grid.Grains.Hosting;

namespace Grid.Silo.Admin;

/// <summary>Checks, before the silo starts, that nothing listens on the admin endpoint's port (<c>Grid:Admin:Port</c>).</summary>
internal sealed class AdminPortCheck(GridAdminOptions options) : ISiloStartupCheck
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        SiloPortCheck.Ensure(IPAddress.Parse(options.Address), options.Port, "Grid:Admin:Port",
            "give this silo another admin port (Grid__Admin__Port, or 0 for any free one)");
        return Task.CompletedTask;
    }
}
