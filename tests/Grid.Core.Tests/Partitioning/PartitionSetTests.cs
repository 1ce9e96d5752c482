using Grid.Grains.Partitions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Grid.Core.Tests.Partitioning;

public sealed class PartitionSetTests
{
    private static PartitionSet Of(int count, params int[] partitions)
    {
        var set = new PartitionSet(count);
        foreach (int p in partitions)
        {
            set.Add(p);
        }

        return set;
    }

    [Fact]
    public void Holds_partitions_across_words_and_enumerates_them_in_order()
    {
        var set = Of(1024, 1023, 0, 64, 63, 500);
        Assert.Equal([0, 63, 64, 500, 1023], set.Partitions());
        Assert.Equal(5, set.Count);
        Assert.True(set.Contains(64));
        Assert.False(set.Contains(65));
        Assert.False(set.Contains(-1));
        Assert.False(set.Contains(5000));
        Assert.True(new PartitionSet(10).IsEmpty);
    }

    [Fact]
    public void Union_except_and_all_work_on_whole_sets()
    {
        var a = Of(100, 1, 2, 99);
        a.UnionWith(Of(100, 2, 3));
        Assert.Equal([1, 2, 3, 99], a.Partitions());
        Assert.Equal([1, 99], a.Except(Of(100, 2, 3)).Partitions());
        var all = new PartitionSet(70);
        all.AddAll(70);
        Assert.Equal(70, all.Count);
        Assert.Equal(Enumerable.Range(0, 70), all.Partitions());
    }

    [Fact]
    public void Survives_serialization_and_copying_as_grain_calls_carry_it()
    {
        var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(PartitionSet).Assembly)).BuildServiceProvider();
        var set = Of(1024, 3, 204, 1000);
        var serializer = services.GetRequiredService<Serializer<PartitionSet>>();
        Assert.Equal([3, 204, 1000], serializer.Deserialize(serializer.SerializeToArray(set))!.Partitions());
        Assert.Equal([3, 204, 1000], services.GetRequiredService<DeepCopier<PartitionSet>>().Copy(set).Partitions());
    }
}
