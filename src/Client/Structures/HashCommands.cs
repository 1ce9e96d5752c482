using Grid.Client.Commands;
using Grid.Client.Requests;
using Grid.Protocol;

namespace Grid.Client.Structures;

/// <summary>The hash commands (a key holding field → value pairs, as Redis HSET/HGET/HGETALL/HDEL/HINCRBY/HLEN).</summary>
internal sealed class HashCommands(CommandRunner runner, RequestBuilder requests)
{
    public async ValueTask<bool> SetAsync(string key, string field, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var op = HashOp(OpCode.HashSet, key, field);
        requests.CheckValue(value.Length, nameof(value));
        op.Value = RequestBuilder.AsArray(value);
        return (await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number == 1;
    }

    public async ValueTask<byte[]?> GetAsync(string key, string field, CancellationToken cancellationToken)
    {
        var result = await runner.ReadAsync(HashOp(OpCode.HashGet, key, field), key, cancellationToken).ConfigureAwait(false);
        return result.Status == ResultStatus.NotFound ? null : result.Value;
    }

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> GetAllAsync(string key, CancellationToken cancellationToken)
    {
        var op = new GridOp { Code = OpCode.HashGetAll, Key = requests.EncodeKey(key) };
        var result = await runner.ReadAsync(op, key, cancellationToken).ConfigureAwait(false);
        var fields = result.Fields ?? [];
        var values = result.Values ?? [];
        var all = new Dictionary<string, byte[]>(fields.Length, StringComparer.Ordinal);
        for (int i = 0; i < fields.Length; i++)
        {
            all[fields[i]] = values[i];
        }

        return all;
    }

    public async ValueTask<bool> DeleteAsync(string key, string field, CancellationToken cancellationToken) =>
        (await runner.WriteAsync(HashOp(OpCode.HashDelete, key, field), key, cancellationToken).ConfigureAwait(false)).Number == 1;

    public async ValueTask<long> IncrementAsync(string key, string field, long delta, CancellationToken cancellationToken)
    {
        var op = HashOp(OpCode.HashIncrement, key, field);
        op.Arg0 = delta;
        return (await runner.WriteAsync(op, key, cancellationToken).ConfigureAwait(false)).Number;
    }

    public ValueTask<long> LengthAsync(string key, CancellationToken cancellationToken) =>
        runner.NumberAsync(OpCode.HashLength, key, cancellationToken);

    private GridOp HashOp(OpCode code, string key, string field)
    {
        var op = new GridOp { Code = code, Key = requests.EncodeKey(key) };
        requests.CheckName(field, "hash field", nameof(field));
        op.Field = field;
        return op;
    }
}
