using Grid.Client.Dispatch;
using Grid.Client.Requests;
using Grid.Client.Results;
using Grid.Protocol;
using Microsoft.Extensions.Logging;

namespace Grid.Client.GetOrSet;

/// <summary>
/// The cluster-wide GetOrSet lock (<see cref="GridGetOrSetOptions.ClusterWide"/>): a lease on the key in its
/// partition, owned by this cache instance, that lapses by itself after its duration.
/// </summary>
internal sealed partial class ClusterLease(OperationDispatcher dispatcher, RequestBuilder requests, ILogger logger)
{
    private readonly byte[] _owner = Guid.NewGuid().ToByteArray();

    /// <summary>Takes the lease on <paramref name="key"/> for <paramref name="duration"/>; false when another owner holds it.</summary>
    public async ValueTask<bool> TryAcquireAsync(string key, TimeSpan duration)
    {
        var op = new GridOp { Code = OpCode.LeaseAcquire, Key = requests.EncodeKey(key), Value = _owner, Arg0 = requests.Milliseconds(duration, nameof(duration)) };
        return ResultCheck.Check(await dispatcher.ExecuteAsync(op, CancellationToken.None).ConfigureAwait(false), key).Number == 1;
    }

    /// <summary>Gives the lease back; a failure is only logged (the lease lapses by itself).</summary>
    public async ValueTask ReleaseAsync(string key)
    {
        try
        {
            var op = new GridOp { Code = OpCode.LeaseRelease, Key = requests.EncodeKey(key), Value = _owner };
            ResultCheck.Check(await dispatcher.ExecuteAsync(op, CancellationToken.None).ConfigureAwait(false), key);
        }
        catch (GridException ex)
        {
            // The lease lapses by itself after LockTimeout.
            LogLeaseRelease(logger, ex, key);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "GetOrSet for key {Key}: releasing the lease failed; it lapses by itself")]
    private static partial void LogLeaseRelease(ILogger logger, Exception error, string key);
}
