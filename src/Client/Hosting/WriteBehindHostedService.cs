using Microsoft.Extensions.Hosting;

namespace Grid.Client.Hosting;

/// <summary>Flushes a registered <see cref="WriteBehindCache{TKey,TValue}"/> when the host stops, so a graceful shutdown loses no write.</summary>
internal sealed class WriteBehindHostedService<TKey, TValue>(WriteBehindCache<TKey, TValue> writeBehind) : IHostedService
    where TKey : notnull
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await writeBehind.DisposeAsync().ConfigureAwait(false);
}
