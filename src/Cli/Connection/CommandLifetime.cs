using Microsoft.Extensions.Hosting;

namespace Grid.Cli.Connection;

/// <summary>A host lifetime that does nothing: the command line, not the host, owns Ctrl+C and the process's end.</summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
