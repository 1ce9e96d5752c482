using Grid.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grid.Core.Tests.Hosting;

/// <summary>
/// A silo declared dead while it stops gracefully (two silos stopping together vote each other dead) finishes its stop:
/// the fatal error is logged and the call returns instead of ending the process. (The other branch ends the process, as
/// Orleans' own handler does, and is not run in a test host.)
/// </summary>
public sealed class StoppingAwareFatalErrorHandlerTests
{
    [Fact]
    public void A_fatal_error_while_the_host_stops_is_logged_and_the_stop_goes_on()
    {
        using var lifetime = new StoppingLifetime();
        lifetime.StopApplication();
        var logger = new FakeLogger<StoppingAwareFatalErrorHandler>();
        var handler = new StoppingAwareFatalErrorHandler(lifetime, logger);

        handler.OnFatalException(this, "I have been told I am dead, so this silo will stop!");

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("I have been told I am dead", record.Message, StringComparison.Ordinal);
        Assert.Contains("stop goes on", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_exception_but_a_thread_abort_is_unexpected()
    {
        using var lifetime = new StoppingLifetime();
        var handler = new StoppingAwareFatalErrorHandler(lifetime, new FakeLogger<StoppingAwareFatalErrorHandler>());

        Assert.True(handler.IsUnexpected(new InvalidOperationException()));
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
