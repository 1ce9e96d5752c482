using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;
using Grid.Tests.Shared.Options;

namespace Grid.Core.Tests.Validation;

public sealed class OpValidatorTests
{
    private static readonly GridLimits Limits = new() { MaxKeyBytes = 16, MaxValueBytes = 100, MaxTimeToLive = TimeSpan.FromDays(1), MaxTagsPerEntry = 3, MaxKeysPerCall = 5 };
    private const long DayMs = 86_400_000;

    private static GridOp Op(OpCode code) => code switch
    {
        OpCode.Set or OpCode.SetGet or OpCode.SetIfNoneExist => new GridOp { Code = code, Key = [1], Value = [2] },
        OpCode.Append => new GridOp { Code = code, Key = [1], Value = [2], Arg0 = 50 },
        OpCode.ExpireIf => new GridOp { Code = code, Key = [1], Arg0 = 1_000, Arg1 = 1 },
        OpCode.Expire => new GridOp { Code = code, Key = [1], Arg0 = 1_000 },
        OpCode.HashSet => new GridOp { Code = code, Key = [1], Field = "f", Value = [2] },
        OpCode.HashGet or OpCode.HashDelete or OpCode.HashIncrement => new GridOp { Code = code, Key = [1], Field = "f", Arg0 = 1 },
        OpCode.ListPush => new GridOp { Code = code, Key = [1], Values = [[2]] },
        OpCode.ListPop => new GridOp { Code = code, Key = [1], Arg0 = 1 },
        OpCode.RemoveTagged => new GridOp { Code = code, Key = [1], Tags = ["t"] },
        OpCode.LeaseAcquire => new GridOp { Code = code, Key = [1], Value = [7], Arg0 = 1_000 },
        OpCode.LeaseRelease => new GridOp { Code = code, Key = [1], Value = [7] },
        _ => new GridOp { Code = code, Key = [1] },
    };

    private static string? Error(GridOp op)
    {
        bool failed = OpValidator.TryGetError(op, Limits, out var error);
        Assert.Equal(failed, error.Status == ResultStatus.InvalidArgument);
        Assert.Equal(failed, error.Error is not null);
        return error.Error;
    }

    public static TheoryData<OpCode> AllCodes()
    {
        var data = new TheoryData<OpCode>();
        foreach (var code in Enum.GetValues<OpCode>())
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void A_well_formed_op_of_every_code_passes(OpCode code) => Assert.Null(Error(Op(code)));

    [Theory]
    [MemberData(nameof(AllCodes))]
    public void Every_code_rejects_a_missing_empty_or_over_long_key(OpCode code)
    {
        var op = Op(code);
        op.Key = null!;
        Assert.NotNull(Error(op));
        op.Key = [];
        Assert.NotNull(Error(op));
        op.Key = new byte[17];
        Assert.NotNull(Error(op));
        op.Key = new byte[16];
        Assert.Null(Error(op));
    }

    [Fact]
    public void A_truncated_frame_is_refused_as_malformed()
    {
        var frame = Grid.Protocol.Wire.OpFrame.Encode([Op(OpCode.Set)]);
        Assert.Throws<FormatException>(() =>
        {
            var reader = new Grid.Protocol.Wire.OpFrameReader(frame.AsSpan(0, frame.Length - 1));
            reader.TryRead(out _, out _, out _);
        });
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)50)]
    [InlineData((byte)16)]
    [InlineData((byte)24)]
    [InlineData((byte)255)]
    public void Unknown_op_codes_are_invalid(byte code) =>
        Assert.Contains("Unknown operation code", Error(new GridOp { Code = (OpCode)code, Key = [1] }), StringComparison.Ordinal);

    [Fact]
    public void Value_over_the_limit_is_invalid()
    {
        var op = Op(OpCode.Set);
        op.Value = new byte[100];
        Assert.Null(Error(op));
        op.Value = new byte[101];
        Assert.NotNull(Error(op));
        var hset = Op(OpCode.HashSet);
        hset.Value = new byte[101];
        Assert.NotNull(Error(hset));
    }

    [Fact]
    public void Set_needs_a_value()
    {
        var op = Op(OpCode.Set);
        op.Value = null;
        Assert.NotNull(Error(op));
        op.Value = [];
        Assert.Null(Error(op));
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(1, 0, true)]
    [InlineData(DayMs, DayMs, true)]
    [InlineData(-1, 0, false)]
    [InlineData(long.MinValue, 0, false)]
    [InlineData(DayMs + 1, 0, false)]
    [InlineData(long.MaxValue, 0, false)]
    [InlineData(0, -1, false)]
    [InlineData(0, DayMs + 1, false)]
    [InlineData(0, long.MaxValue, false)]
    public void Set_time_to_live_and_sliding_window_are_zero_or_positive_within_the_limit(long ttl, long sliding, bool valid)
    {
        var op = Op(OpCode.Set);
        op.Arg0 = ttl;
        op.Arg1 = sliding;
        Assert.Equal(valid, Error(op) is null);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(1, true)]
    [InlineData(DayMs, true)]
    [InlineData(DayMs + 1, false)]
    [InlineData(long.MaxValue, false)]
    public void Expire_needs_a_positive_time_to_live_within_the_limit(long ttl, bool valid)
    {
        var op = Op(OpCode.Expire);
        op.Arg0 = ttl;
        Assert.Equal(valid, Error(op) is null);
    }

    [Fact]
    public void Set_cannot_be_both_if_exists_and_if_not_exists()
    {
        var op = Op(OpCode.Set);
        op.Flags = OpFlags.IfExists | OpFlags.IfNotExists;
        Assert.NotNull(Error(op));
        op.Flags = OpFlags.IfExists;
        Assert.Null(Error(op));
        op.Flags = OpFlags.IfNotExists;
        Assert.Null(Error(op));
    }

    [Fact]
    public void Set_tags_are_limited_in_number_and_must_be_valid_names()
    {
        var op = Op(OpCode.Set);
        op.Tags = ["a", "b", "c"];
        Assert.Null(Error(op));
        op.Tags = ["a", "b", "c", "d"];
        Assert.Contains("MaxTagsPerEntry", Error(op), StringComparison.Ordinal);
        op.Tags = ["a", ""];
        Assert.NotNull(Error(op));
        op.Tags = [new string('t', 17)];
        Assert.NotNull(Error(op));
        op.Tags = [new string('é', 9)]; // 18 UTF-8 bytes
        Assert.NotNull(Error(op));
        op.Tags = [];
        Assert.Null(Error(op));
    }

    [Theory]
    [InlineData(OpCode.HashSet)]
    [InlineData(OpCode.HashGet)]
    [InlineData(OpCode.HashDelete)]
    [InlineData(OpCode.HashIncrement)]
    public void Hash_field_ops_need_a_valid_field(OpCode code)
    {
        var op = Op(code);
        op.Field = null;
        Assert.NotNull(Error(op));
        op.Field = "";
        Assert.NotNull(Error(op));
        op.Field = new string('f', 17);
        Assert.NotNull(Error(op));
        op.Field = new string('é', 9);
        Assert.NotNull(Error(op));
        op.Field = new string('é', 8);
        Assert.Null(Error(op));
    }

    [Fact]
    public void Hash_set_needs_a_value()
    {
        var op = Op(OpCode.HashSet);
        op.Value = null;
        Assert.NotNull(Error(op));
    }

    [Fact]
    public void List_push_needs_between_one_and_max_keys_per_call_non_null_values_within_the_value_limit()
    {
        var op = Op(OpCode.ListPush);
        op.Values = null;
        Assert.NotNull(Error(op));
        op.Values = [];
        Assert.NotNull(Error(op));
        op.Values = [new byte[101]];
        Assert.NotNull(Error(op));
        op.Values = [new byte[20], new byte[20], new byte[20], new byte[20], new byte[20]];
        Assert.Null(Error(op));
        op.Values = [new byte[20], new byte[20], new byte[20], new byte[20], new byte[21]]; // 101 bytes in all
        Assert.NotNull(Error(op));
        op.Values = [[1], [1], [1], [1], [1], [1]]; // six values, limit five
        Assert.NotNull(Error(op));
    }

    [Theory]
    [InlineData(1L, true)]
    [InlineData(int.MaxValue, true)]
    [InlineData(0L, false)]
    [InlineData(-1L, false)]
    [InlineData(int.MaxValue + 1L, false)]
    [InlineData(long.MaxValue, false)]
    public void List_pop_count_is_between_one_and_int_max(long count, bool valid)
    {
        var op = Op(OpCode.ListPop);
        op.Arg0 = count;
        Assert.Equal(valid, Error(op) is null);
    }

    [Fact]
    public void Store_runs_every_valid_op_without_throwing()
    {
        var f = new StoreFixture();
        foreach (var code in Enum.GetValues<OpCode>())
        {
            var result = f.Store.Execute(Op(code));
            Assert.NotEqual(ResultStatus.Error, result.Status);
            Assert.NotEqual(ResultStatus.InvalidArgument, result.Status);
        }
    }

    [Fact]
    public void Entry_with_the_most_tags_the_limits_allow_round_trips()
    {
        // The record stores the tag count in one byte, so limits cap MaxTagsPerEntry at 255.
        var limits = new GridLimits { MaxTagsPerEntry = 255 };
        Assert.Empty(SiloOptionsFailures.Of(limits));
        var tags = Enumerable.Range(0, 255).Select(i => "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var op = new GridOp { Code = OpCode.Set, Key = [1], Value = "payload"u8.ToArray(), Tags = tags };
        Assert.False(OpValidator.TryGetError(op, limits, out _));
        var f = new StoreFixture();
        Assert.Equal(ResultStatus.Ok, f.Store.Execute(op).Status);
        var get = f.Store.Execute(new GridOp { Code = OpCode.Get, Key = [1] });
        Assert.Equal("payload"u8.ToArray(), get.Value);
        Assert.Equal(tags, EntryRecord.DecodeTags(StoreInspector.Record(f.Store, "\u0001") ?? throw new InvalidOperationException()));
    }
}
