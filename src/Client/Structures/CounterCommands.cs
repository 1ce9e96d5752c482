using System.Runtime.CompilerServices;
using Grid.Client.Commands;
using Grid.Client.Requests;
using Grid.Protocol;

namespace Grid.Client.Structures;

/// <summary>The counter commands (as Redis INCRBY/DECRBY): atomic in the partition, overflow-checked there.</summary>
internal sealed class CounterCommands(CommandRunner runner, RequestBuilder requests)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> IncrementAsync(string key, long delta, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.Increment, Key = requests.EncodeKey(key), Arg0 = delta };
        return (await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    /// <summary>INCRBY answering the counter's new value and the entry version this write gave it.</summary>
    public async ValueTask<GridCounterResult> IncrementWithVersionAsync(string key, long delta, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.Increment, Key = requests.EncodeKey(key), Arg0 = delta, Flags = OpFlags.WithVersion };
        var result = await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false);
        return new GridCounterResult(result.Number, result.EntryVersion);
    }

    public ValueTask<long> DecrementAsync(string key, long delta, CancellationToken cancellationToken)
    {
        if (delta == long.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "A decrement of long.MinValue cannot be negated; increment by long.MinValue instead.");
        }

        return IncrementAsync(key, -delta, cancellationToken);
    }
}
