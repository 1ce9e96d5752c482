using System.Globalization;
using System.Text;
using Grid.Grains.Memory;
using Grid.Grains.Partitions;
using Grid.Grains.Storage;
using Grid.Partitioning;
using Grid.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Support;

/// <summary>A silo's worth of stores on one budget and a fake clock, with keys routed by the real partition hash.</summary>
internal sealed class BudgetFixture
{
    public BudgetFixture(long budgetBytes, int partitions)
    {
        Time = new FakeTimeProvider(StoreFixture.Start);
        Clock = new GridClock(Time);
        Registry = new PartitionStoreRegistry(partitions);
        Budget = new SiloMemoryBudget(budgetBytes, Registry, Clock);
        for (int p = 0; p < partitions; p++)
        {
            Registry.Register(new PartitionStore(p, Clock, Budget));
        }
    }

    public FakeTimeProvider Time { get; }

    public GridClock Clock { get; }

    public PartitionStoreRegistry Registry { get; }

    public SiloMemoryBudget Budget { get; }

    public long Evictions => Registry.All.Sum(s => s.Counters.Evictions);

    public int Count => Registry.All.Sum(s => s.Count);

    public long StoreBytes => Registry.All.Sum(s => s.Bytes);

    public static string Key(string prefix, int i) => prefix + i.ToString(CultureInfo.InvariantCulture);

    public PartitionStore StoreOf(string key) => Registry.TryGet(PartitionHasher.GetPartition(Encoding.UTF8.GetBytes(key), Registry.PartitionCount))!;

    public GridResult Run(GridOp op) =>
        Registry.TryGet(PartitionHasher.GetPartition(op.Key, Registry.PartitionCount))!.Execute(op);

    public void Set(string key, int valueBytes) =>
        Assert.Equal(ResultStatus.Ok, Run(new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = new byte[valueBytes] }).Status);

    public bool Exists(string key) => Run(new GridOp { Code = OpCode.TimeToLive, Key = Encoding.UTF8.GetBytes(key) }).Status == ResultStatus.Ok;

    public void Touch(string key) => Assert.Equal(ResultStatus.Ok, Run(new GridOp { Code = OpCode.Get, Key = Encoding.UTF8.GetBytes(key) }).Status);
}
