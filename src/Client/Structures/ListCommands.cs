using Grid.Client.Commands;
using Grid.Client.Requests;
using Grid.Protocol;

namespace Grid.Client.Structures;

/// <summary>The list commands (as Redis LPUSH/RPUSH/LPOP/RPOP/LRANGE/LLEN).</summary>
internal sealed class ListCommands(CommandRunner runner, RequestBuilder requests)
{
    /// <summary>Pushes values at the head (<see cref="OpFlags.Left"/>) or the tail; the list's length after.</summary>
    public async ValueTask<long> PushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, OpFlags flags, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.ListPush, Key = requests.EncodeKey(key), Flags = flags };
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A push needs at least one value.", nameof(values));
        }

        requests.CheckCount(values.Count, nameof(values));
        var limits = requests.Limits;
        var arrays = new byte[values.Count][];
        long total = 0;
        for (int i = 0; i < arrays.Length; i++)
        {
            GridValidation.CheckValue(values[i].Length, limits, $"{nameof(values)}[{i}]");
            total += values[i].Length;
            arrays[i] = RequestBuilder.AsArray(values[i]);
        }

        if (total > limits.MaxValueBytes)
        {
            throw new ArgumentException($"The values add up to {total} bytes, more than MaxValueBytes ({limits.MaxValueBytes}) for one push.", nameof(values));
        }

        op.Values = arrays;
        return (await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    /// <summary>Pops one value from the head (<see cref="OpFlags.Left"/>) or the tail; null when the list is empty.</summary>
    public async ValueTask<byte[]?> PopAsync(string key, OpFlags flags, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.ListPop, Key = requests.EncodeKey(key), Flags = flags, Arg0 = 1 };
        var result = await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false);
        return result.Values is [var first, ..] ? first : null;
    }

    public async ValueTask<byte[][]> RangeAsync(string key, long start, long stop, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.ListRange, Key = requests.EncodeKey(key), Arg0 = start, Arg1 = stop };
        return (await runner.ReadAsync(op, key, cancellationToken).ConfigureAwait(false)).Values ?? [];
    }

    public ValueTask<long> LengthAsync(string key, CancellationToken cancellationToken) =>
        runner.NumberAsync(OpCode.ListLength, key, cancellationToken);
}
