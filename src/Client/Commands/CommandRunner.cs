using System.Runtime.CompilerServices;
using Grid.Client.Dispatch;
using Grid.Client.NearCache;
using Grid.Client.Requests;
using Grid.Client.Results;
using Grid.Protocol;

namespace Grid.Client.Commands;

/// <summary>
/// Runs one command's operation and checks its answer, the steps every command shares: a read goes out as built; a
/// write forgets the key in the near cache before and after (the grid's push covers other clients).
/// </summary>
internal sealed class CommandRunner(OperationDispatcher dispatcher, NearCacheReads reads, RequestBuilder requests)
{
    /// <summary>Runs a read and checks its answer.</summary>
    public async ValueTask<GridResult> ReadAsync(GridOp op, string key, CancellationToken cancellationToken) =>
        ResultCheck.Check(await dispatcher.ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key);

    /// <summary>
    /// Runs a write and forgets the key locally before and after (the grid's push covers other clients);
    /// <paramref name="timeout"/>: this call's deadline instead of the client's operation timeout.
    /// </summary>
    public async ValueTask<GridResult> WriteAsync(GridOp op, string key, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        reads.ForgetLocal(key);
        var result = ResultCheck.Check(await dispatcher.ExecuteAsync(op, cancellationToken, timeout).ConfigureAwait(false), key);
        reads.ForgetLocal(key);
        return result;
    }

    /// <summary>A read whose answer is a number (exists, type, lengths).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> NumberAsync(OpCode code, string key, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = code, Key = requests.EncodeKey(key) };
        return ResultCheck.Check(await dispatcher.ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key).Number;
    }
}
