using Grid.Protocol;

namespace Grid.Client;

public sealed partial class GridCache
{
    /// <inheritdoc />
    public async ValueTask<bool> HashSetAsync(string key, string field, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var op = HashOp(OpCode.HashSet, key, field);
        GridValidation.CheckValue(value.Length, _limits, nameof(value));
        op.Value = AsArray(value);
        return (await WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number == 1;
    }

    /// <inheritdoc />
    public async ValueTask<byte[]?> HashGetAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        var result = Check(await ExecuteAsync(HashOp(OpCode.HashGet, key, field), cancellationToken).ConfigureAwait(false), key);
        return result.Status == ResultStatus.NotFound ? null : result.Value;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, byte[]>> HashGetAllAsync(string key, CancellationToken cancellationToken = default)
    {
        var op = new GridOp { Code = OpCode.HashGetAll, Key = EncodeKey(key) };
        var result = Check(await ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key);
        var fields = result.Fields ?? [];
        var values = result.Values ?? [];
        var all = new Dictionary<string, byte[]>(fields.Length, StringComparer.Ordinal);
        for (int i = 0; i < fields.Length; i++)
        {
            all[fields[i]] = values[i];
        }

        return all;
    }

    /// <inheritdoc />
    public async ValueTask<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken = default) =>
        (await WriteAsync(HashOp(OpCode.HashDelete, key, field), key, cancellationToken).ConfigureAwait(false)).Number == 1;

    /// <inheritdoc />
    public async ValueTask<long> HashIncrementAsync(string key, string field, long delta = 1, CancellationToken cancellationToken = default)
    {
        var op = HashOp(OpCode.HashIncrement, key, field);
        op.Arg0 = delta;
        return (await WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    /// <inheritdoc />
    public ValueTask<long> HashLengthAsync(string key, CancellationToken cancellationToken = default) =>
        NumberAsync(OpCode.HashLength, key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> ListLeftPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default) =>
        PushAsync(key, values, OpFlags.Left, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> ListRightPushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, CancellationToken cancellationToken = default) =>
        PushAsync(key, values, OpFlags.None, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> ListLeftPopAsync(string key, CancellationToken cancellationToken = default) =>
        PopAsync(key, OpFlags.Left, cancellationToken);

    /// <inheritdoc />
    public ValueTask<byte[]?> ListRightPopAsync(string key, CancellationToken cancellationToken = default) =>
        PopAsync(key, OpFlags.None, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<byte[][]> ListRangeAsync(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default)
    {
        var op = new GridOp { Code = OpCode.ListRange, Key = EncodeKey(key), Arg0 = start, Arg1 = stop };
        return Check(await ExecuteAsync(op, cancellationToken).ConfigureAwait(false), key).Values ?? [];
    }

    /// <inheritdoc />
    public ValueTask<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        NumberAsync(OpCode.ListLength, key, cancellationToken);

    private GridOp HashOp(OpCode code, string key, string field)
    {
        var op = new GridOp { Code = code, Key = EncodeKey(key) };
        GridValidation.CheckName(field, _limits, "hash field", nameof(field));
        op.Field = field;
        return op;
    }

    private async ValueTask<long> PushAsync(string key, IReadOnlyList<ReadOnlyMemory<byte>> values, OpFlags flags, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.ListPush, Key = EncodeKey(key), Flags = flags };
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A push needs at least one value.", nameof(values));
        }

        CheckCount(values.Count, nameof(values));
        var arrays = new byte[values.Count][];
        long total = 0;
        for (int i = 0; i < arrays.Length; i++)
        {
            GridValidation.CheckValue(values[i].Length, _limits, $"{nameof(values)}[{i}]");
            total += values[i].Length;
            arrays[i] = AsArray(values[i]);
        }

        if (total > _limits.MaxValueBytes)
        {
            throw new ArgumentException($"The values add up to {total} bytes, more than MaxValueBytes ({_limits.MaxValueBytes}) for one push.", nameof(values));
        }

        op.Values = arrays;
        return (await WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    private async ValueTask<byte[]?> PopAsync(string key, OpFlags flags, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.ListPop, Key = EncodeKey(key), Flags = flags, Arg0 = 1 };
        var result = await WriteAsync(op, key, cancellationToken).ConfigureAwait(false);
        return result.Values is [var first, ..] ? first : null;
    }
}
