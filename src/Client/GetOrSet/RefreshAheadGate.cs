using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Grid.Client.GetOrSet;

/// <summary>
/// At most one refresh-ahead attempt per key in this client at a time. Readers of a value that is due start one and
/// never wait for it. An attempt that did not refresh (another client holds the key's lease, or the refresh failed)
/// keeps the key here for <see cref="RetryPause"/>, so a hot key's readers do not send a lease request each.
/// </summary>
internal sealed partial class RefreshAheadGate(TimeProvider time, ILogger logger)
{
    /// <summary>How long after an attempt that did not refresh this client tries again.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);

    /// <summary>Whether an attempt for <paramref name="key"/> runs or pauses now.</summary>
    public bool IsBusy(string key) => _busy.ContainsKey(key);

    /// <summary>Starts <paramref name="refresh"/> (true when it refreshed or found the value refreshed) unless an attempt for <paramref name="key"/> is under way.</summary>
    public void Start(string key, Func<Task<bool>> refresh)
    {
        if (_busy.TryAdd(key, 0))
        {
            _ = RunAsync(key, refresh);
        }
    }

    private async Task RunAsync(string key, Func<Task<bool>> refresh)
    {
        bool refreshed = false;
        try
        {
            // Off the reader's path: the reader has its value already and must not run any of the refresh.
            await Task.Yield();
            refreshed = await refresh().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The readers were answered with the current value, which stays until it expires: the failure is reported
            // here, and a later read tries again after the pause.
            LogRefreshFailed(logger, ex, key);
        }

        try
        {
            if (!refreshed)
            {
                await Task.Delay(RetryPause, time).ConfigureAwait(false);
            }
        }
        finally
        {
            _busy.TryRemove(key, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GetOrSet for key {Key}: the refresh-ahead failed; the current value stays until it expires")]
    private static partial void LogRefreshFailed(ILogger logger, Exception error, string key);
}
