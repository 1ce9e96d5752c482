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

    public ValueTask<long> DecrementAsync(string key, long delta, CancellationToken cancellationToken)
    {
        if (delta == long.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "A decrement of long.MinValue cannot be negated; increment by long.MinValue instead.");
        }

        return IncrementAsync(key, -delta, cancellationToken);
    }
}
