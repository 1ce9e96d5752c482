using System.Text;
using Grid.Grains.Memory;
using Grid.Grains.Storage;
using Grid.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Support;

/// <summary>An <see cref="IMemoryAccount"/> that only adds up what it is told.</summary>
internal sealed class CountingAccount : IMemoryAccount
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(long deltaBytes) => Interlocked.Add(ref _total, deltaBytes);
}

/// <summary>A store on a fake clock, with helpers that build ops the way a client would.</summary>
internal sealed class StoreFixture
{
    /// <summary>A fixed start (2025-01-01) so LRU stamps and deadlines are reproducible.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public StoreFixture(int partition = 0)
    {
        Time = new FakeTimeProvider(Start);
        Clock = new GridClock(Time);
        Account = new CountingAccount();
        Store = new PartitionStore(partition, Clock, Account);
    }

    public FakeTimeProvider Time { get; }

    public GridClock Clock { get; }

    public CountingAccount Account { get; }

    public PartitionStore Store { get; }

    public long NowMs => Clock.NowMs;

    public void Advance(long ms) => Time.Advance(TimeSpan.FromMilliseconds(ms));

    public GridResult Run(GridOp op)
    {
        Assert.False(OpValidator.TryGetError(op, new GridLimits(), out var error), error.Error);
        return Store.Execute(op);
    }

    public GridResult Get(string key) => Run(new GridOp { Code = OpCode.Get, Key = Bytes(key) });

    public string? GetString(string key)
    {
        var r = Get(key);
        return r.Status == ResultStatus.Ok ? Encoding.UTF8.GetString(r.Value!) : null;
    }

    public GridResult Set(string key, string value, long ttlMs = 0, long slidingMs = 0, OpFlags flags = OpFlags.None, string[]? tags = null) =>
        Run(new GridOp { Code = OpCode.Set, Key = Bytes(key), Value = Bytes(value), Arg0 = ttlMs, Arg1 = slidingMs, Flags = flags, Tags = tags });

    public GridResult SetBytes(string key, byte[] value) => Run(new GridOp { Code = OpCode.Set, Key = Bytes(key), Value = value });

    public GridResult Remove(string key) => Run(new GridOp { Code = OpCode.Remove, Key = Bytes(key) });

    public GridResult Exists(string key) => Run(new GridOp { Code = OpCode.Exists, Key = Bytes(key) });

    public GridResult Expire(string key, long ttlMs) => Run(new GridOp { Code = OpCode.Expire, Key = Bytes(key), Arg0 = ttlMs });

    public GridResult Persist(string key) => Run(new GridOp { Code = OpCode.Persist, Key = Bytes(key) });

    public GridResult Ttl(string key) => Run(new GridOp { Code = OpCode.TimeToLive, Key = Bytes(key) });

    public GridValueType TypeOf(string key) => (GridValueType)Run(new GridOp { Code = OpCode.Type, Key = Bytes(key) }).Number;

    public GridResult Increment(string key, long delta) => Run(new GridOp { Code = OpCode.Increment, Key = Bytes(key), Arg0 = delta });

    public GridResult HSet(string key, string field, string value) => Run(new GridOp { Code = OpCode.HashSet, Key = Bytes(key), Field = field, Value = Bytes(value) });

    public GridResult HGet(string key, string field) => Run(new GridOp { Code = OpCode.HashGet, Key = Bytes(key), Field = field });

    public GridResult HGetAll(string key) => Run(new GridOp { Code = OpCode.HashGetAll, Key = Bytes(key) });

    public GridResult HDel(string key, string field) => Run(new GridOp { Code = OpCode.HashDelete, Key = Bytes(key), Field = field });

    public GridResult HIncrBy(string key, string field, long delta) => Run(new GridOp { Code = OpCode.HashIncrement, Key = Bytes(key), Field = field, Arg0 = delta });

    public GridResult HLen(string key) => Run(new GridOp { Code = OpCode.HashLength, Key = Bytes(key) });

    public GridResult Push(string key, bool left, params string[] values) =>
        Run(new GridOp { Code = OpCode.ListPush, Key = Bytes(key), Flags = left ? OpFlags.Left : OpFlags.None, Values = values.Select(Bytes).ToArray() });

    public GridResult Pop(string key, bool left, long count = 1) =>
        Run(new GridOp { Code = OpCode.ListPop, Key = Bytes(key), Flags = left ? OpFlags.Left : OpFlags.None, Arg0 = count });

    public GridResult Range(string key, long start, long stop) => Run(new GridOp { Code = OpCode.ListRange, Key = Bytes(key), Arg0 = start, Arg1 = stop });

    public string[] RangeStrings(string key, long start, long stop) => Strings(Range(key, start, stop).Values!);

    public GridResult LLen(string key) => Run(new GridOp { Code = OpCode.ListLength, Key = Bytes(key) });

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The storage tests' key number <paramref name="i"/>: "k0", "k1" and so on.</summary>
    public static string Key(int i) => "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string[] Strings(byte[][] values) => values.Select(v => Encoding.UTF8.GetString(v)).ToArray();

    /// <summary>Bytes of a store that holds nothing (its own object and minimal arrays).</summary>
    public static long EmptyStoreBytes()
    {
        var account = new CountingAccount();
        var store = new PartitionStore(0, new GridClock(new FakeTimeProvider(Start)), account);
        Assert.Equal(store.Bytes, account.Total);
        return store.Bytes;
    }
}
