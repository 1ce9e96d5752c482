using System.Net;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Resp.Hosting;

/// <summary>
/// Checks, before the silo starts, that nothing listens on the RESP port: a port in use stops start-up with one line
/// naming <c>Grid:Resp:Port</c> (exit code 2) instead of failing after the silo joined its cluster.
/// </summary>
internal sealed class RespPortCheck(IOptions<GridSiloOptions> options) : ISiloStartupCheck
{
    private bool _passed;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var resp = options.Value.Resp;
        if (_passed || !resp.Enabled)
        {
            return Task.CompletedTask;
        }

        SiloPortCheck.Ensure(IPAddress.Parse(resp.Address), resp.Port, "Grid:Resp:Port", "give this silo its own RESP port (Grid__Resp__Port)");
        _passed = true;
        return Task.CompletedTask;
    }
}
