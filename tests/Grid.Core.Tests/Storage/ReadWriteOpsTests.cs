using System.Text;
using Grid.Core.Tests.Support;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>The string ops that read then write under one lock hold: SetGet (SET ... GET, GETSET), GetRemove (GETDEL), Append, and KEEPTTL.</summary>
public sealed class ReadWriteOpsTests
{
    [Fact]
    public void SetGet_answers_the_old_value_and_writes_unless_its_condition_fails()
    {
        var fixture = new StoreFixture();
        var first = fixture.Run(new GridOp { Code = OpCode.SetGet, Key = StoreFixture.Bytes("k"), Value = StoreFixture.Bytes("a") });
        Assert.Equal(ResultStatus.Ok, first.Status);
        Assert.Null(first.Value);

        var second = fixture.Run(new GridOp { Code = OpCode.SetGet, Key = StoreFixture.Bytes("k"), Value = StoreFixture.Bytes("b") });
        Assert.Equal("a", Encoding.UTF8.GetString(second.Value!));
        Assert.Equal("b", fixture.GetString("k"));

        var refused = fixture.Run(new GridOp { Code = OpCode.SetGet, Key = StoreFixture.Bytes("k"), Value = StoreFixture.Bytes("c"), Flags = OpFlags.IfNotExists });
        Assert.Equal(ResultStatus.ConditionNotMet, refused.Status);
        Assert.Equal("b", Encoding.UTF8.GetString(refused.Value!));
        Assert.Equal("b", fixture.GetString("k"));

        fixture.HSet("h", "f", "v");
        Assert.Equal(ResultStatus.WrongType, fixture.Run(new GridOp { Code = OpCode.SetGet, Key = StoreFixture.Bytes("h"), Value = StoreFixture.Bytes("x") }).Status);
        Assert.Equal(GridValueType.Hash, fixture.TypeOf("h"));
    }

    [Fact]
    public void KeepTtl_keeps_the_expiry_of_an_existing_key()
    {
        var fixture = new StoreFixture();
        fixture.Set("k", "a", ttlMs: 10_000);
        fixture.Set("k", "b", flags: OpFlags.KeepTtl);
        Assert.Equal(10_000, fixture.Ttl("k").Number);
        fixture.Set("new", "b", ttlMs: 5_000, flags: OpFlags.KeepTtl);
        Assert.Equal(5_000, fixture.Ttl("new").Number);
    }

    [Fact]
    public void GetRemove_answers_the_value_and_removes_the_key()
    {
        var fixture = new StoreFixture();
        fixture.Set("k", "v");
        var taken = fixture.Run(new GridOp { Code = OpCode.GetRemove, Key = StoreFixture.Bytes("k") });
        Assert.Equal("v", Encoding.UTF8.GetString(taken.Value!));
        Assert.Equal(0, fixture.Exists("k").Number);
        Assert.Equal(ResultStatus.NotFound, fixture.Run(new GridOp { Code = OpCode.GetRemove, Key = StoreFixture.Bytes("k") }).Status);
    }

    [Fact]
    public void Append_grows_the_string_keeping_expiry_and_counts_a_counter_as_text()
    {
        var fixture = new StoreFixture();
        Assert.Equal(2, Append(fixture, "k", "ab").Number);
        fixture.Expire("k", 10_000);
        Assert.Equal(4, Append(fixture, "k", "cd").Number);
        Assert.Equal("abcd", fixture.GetString("k"));
        Assert.Equal(10_000, fixture.Ttl("k").Number);

        fixture.Increment("n", 42);
        Assert.Equal(3, Append(fixture, "n", "x").Number);
        Assert.Equal("42x", fixture.GetString("n"));

        var tooLong = fixture.Run(new GridOp { Code = OpCode.Append, Key = StoreFixture.Bytes("k"), Value = StoreFixture.Bytes("e"), Arg0 = 4 });
        Assert.Equal(ResultStatus.InvalidArgument, tooLong.Status);
        Assert.Equal("abcd", fixture.GetString("k"));
    }

    [Fact]
    public void SetIfNoneExist_sets_every_pair_only_when_no_key_exists()
    {
        var fixture = new StoreFixture();
        var set = fixture.Run(new GridOp { Code = OpCode.SetIfNoneExist, Key = StoreFixture.Bytes("{u}a"), Value = StoreFixture.Bytes("1"), Values = [StoreFixture.Bytes("{u}b"), StoreFixture.Bytes("2")] });
        Assert.Equal(1, set.Number);
        Assert.Equal("1", fixture.GetString("{u}a"));
        Assert.Equal("2", fixture.GetString("{u}b"));

        var refused = fixture.Run(new GridOp { Code = OpCode.SetIfNoneExist, Key = StoreFixture.Bytes("{u}c"), Value = StoreFixture.Bytes("3"), Values = [StoreFixture.Bytes("{u}b"), StoreFixture.Bytes("4")] });
        Assert.Equal(0, refused.Number);
        Assert.Equal(0, fixture.Exists("{u}c").Number);
        Assert.Equal("2", fixture.GetString("{u}b"));
    }

    [Fact]
    public void SetIfNoneExist_refuses_keys_of_another_hash_slot()
    {
        var op = new GridOp { Code = OpCode.SetIfNoneExist, Key = StoreFixture.Bytes("{u}a"), Value = StoreFixture.Bytes("1"), Values = [StoreFixture.Bytes("other"), StoreFixture.Bytes("2")] };
        Assert.True(Grid.Grains.Storage.OpValidator.TryGetError(op, new GridLimits(), out var error));
        Assert.Contains("partition", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GetExpire_answers_the_value_and_changes_the_expiry()
    {
        var fixture = new StoreFixture();
        fixture.Set("k", "v");
        Assert.Equal("v", Encoding.UTF8.GetString(GetExpire(fixture, "k", 5_000).Value!));
        Assert.Equal(5_000, fixture.Ttl("k").Number);
        Assert.Equal("v", Encoding.UTF8.GetString(GetExpire(fixture, "k", 0).Value!));
        Assert.Equal(-1, fixture.Ttl("k").Number);
        Assert.Equal("v", Encoding.UTF8.GetString(GetExpire(fixture, "k", -1).Value!));
        Assert.Equal(0, fixture.Exists("k").Number);
        Assert.Equal(ResultStatus.NotFound, GetExpire(fixture, "k", 5_000).Status);
    }

    [Theory]
    [InlineData(0L, 1L, 100L, 1)] // NX, no expiry: applies
    [InlineData(50L, 1L, 100L, 0)] // NX, an expiry: not
    [InlineData(0L, 2L, 100L, 0)] // XX, no expiry: not
    [InlineData(50L, 4L, 100L, 1)] // GT, longer: applies
    [InlineData(0L, 4L, 100L, 0)] // GT, no expiry (infinite): not
    [InlineData(0L, 8L, 100L, 1)] // LT, no expiry (infinite): applies
    [InlineData(500L, 8L, 100L, 1)] // LT, shorter: applies
    [InlineData(0L, 10L, 100L, 0)] // XX LT, no expiry: not
    public void ExpireIf_applies_only_when_the_condition_holds(long currentMs, long condition, long ttlMs, long applied)
    {
        var fixture = new StoreFixture();
        fixture.Set("k", "v", ttlMs: currentMs);
        var result = fixture.Run(new GridOp { Code = OpCode.ExpireIf, Key = StoreFixture.Bytes("k"), Arg0 = ttlMs, Arg1 = condition });
        Assert.Equal(applied, result.Number);
        Assert.Equal(applied == 1 ? ttlMs : currentMs == 0 ? -1 : currentMs, fixture.Ttl("k").Number);
    }

    private static GridResult GetExpire(StoreFixture fixture, string key, long ttlMs) =>
        fixture.Run(new GridOp { Code = OpCode.GetExpire, Key = StoreFixture.Bytes(key), Arg0 = ttlMs });

    private static GridResult Append(StoreFixture fixture, string key, string value) =>
        fixture.Run(new GridOp { Code = OpCode.Append, Key = StoreFixture.Bytes(key), Value = StoreFixture.Bytes(value), Arg0 = 1 << 20 });
}
