using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

public sealed class WrongTypeTests
{
    public enum Holder
    {
        String,
        Counter,
        Hash,
        List,
    }

    public static TheoryData<Holder, OpCode> Mismatches()
    {
        var data = new TheoryData<Holder, OpCode>();
        foreach (var code in new[] { OpCode.Get, OpCode.Increment })
        {
            data.Add(Holder.Hash, code);
            data.Add(Holder.List, code);
        }

        foreach (var code in new[] { OpCode.HashSet, OpCode.HashGet, OpCode.HashGetAll, OpCode.HashDelete, OpCode.HashIncrement, OpCode.HashLength })
        {
            data.Add(Holder.String, code);
            data.Add(Holder.Counter, code);
            data.Add(Holder.List, code);
        }

        foreach (var code in new[] { OpCode.ListPush, OpCode.ListPop, OpCode.ListRange, OpCode.ListLength })
        {
            data.Add(Holder.String, code);
            data.Add(Holder.Counter, code);
            data.Add(Holder.Hash, code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Operation_on_a_key_of_another_type_returns_wrong_type_and_changes_nothing(Holder holder, OpCode code)
    {
        var f = new StoreFixture();
        switch (holder)
        {
            case Holder.String:
                f.Set("k", "12");
                break;
            case Holder.Counter:
                f.Increment("k", 12);
                break;
            case Holder.Hash:
                f.HSet("k", "f", "12");
                break;
            case Holder.List:
                f.Push("k", false, "12");
                break;
        }

        var before = Snapshot(f, holder);
        f.Advance(1_000);
        var entry = StoreInspector.Entry(f.Store, "k")!;
        uint handle = StoreInspector.Handle(f.Store, "k");
        var recordCopy = StoreInspector.Record(f.Store, "k")!;
        long bytes = f.Store.Bytes;
        long account = f.Account.Total;

        var op = new GridOp { Code = code, Key = StoreFixture.Bytes("k"), Field = "f", Value = StoreFixture.Bytes("new"), Values = [StoreFixture.Bytes("new")], Arg0 = 1, Arg1 = -1 };
        var result = f.Run(op);

        Assert.Equal(ResultStatus.WrongType, result.Status);
        Assert.NotNull(result.Error);
        Assert.Equal(handle, StoreInspector.Handle(f.Store, "k"));
        if (entry is ComplexEntry)
        {
            Assert.Same(entry, StoreInspector.Entry(f.Store, "k"));
        }

        Assert.Equal(recordCopy, StoreInspector.Record(f.Store, "k")); // not even the LRU stamp moved
        Assert.Equal(bytes, f.Store.Bytes);
        Assert.Equal(account, f.Account.Total);
        Assert.Equal(before, Snapshot(f, holder));
        Assert.Equal(1, f.Store.Count);
    }

    private static string Snapshot(StoreFixture f, Holder holder) => holder switch
    {
        Holder.String or Holder.Counter => f.TypeOf("k") + ":" + f.GetString("k"),
        Holder.Hash => "hash:" + string.Join(",", f.HGetAll("k").Fields!) + "=" + string.Join(",", StoreFixture.Strings(f.HGetAll("k").Values!)),
        _ => "list:" + string.Join(",", f.RangeStrings("k", 0, -1)),
    };
}
