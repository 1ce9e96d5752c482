using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

public sealed class ListOpsTests
{
    private readonly StoreFixture _f = new();

    private PartitionStore Store => _f.Store;

    private string[] All(string key) => _f.RangeStrings(key, 0, -1);

    [Fact]
    public void Right_push_appends_in_order()
    {
        Assert.Equal(3, _f.Push("l", left: false, "a", "b", "c").Number);
        Assert.Equal(["a", "b", "c"], All("l"));
        Assert.Equal(GridValueType.List, _f.TypeOf("l"));
    }

    [Fact]
    public void Left_push_prepends_each_value_in_turn_as_redis_lpush_does()
    {
        Assert.Equal(3, _f.Push("l", left: true, "a", "b", "c").Number);
        Assert.Equal(["c", "b", "a"], All("l"));
        Assert.Equal(5, _f.Push("l", left: false, "x", "y").Number);
        Assert.Equal(6, _f.Push("l", left: true, "z").Number);
        Assert.Equal(["z", "c", "b", "a", "x", "y"], All("l"));
    }

    [Fact]
    public void Pop_takes_from_the_chosen_end_up_to_count()
    {
        _f.Push("l", false, "a", "b", "c", "d", "e");
        var left = _f.Pop("l", left: true, count: 2);
        Assert.Equal(["a", "b"], StoreFixture.Strings(left.Values!));
        Assert.Equal(2, left.Number);
        var right = _f.Pop("l", left: false);
        Assert.Equal(["e"], StoreFixture.Strings(right.Values!));
        Assert.Equal(["c", "d"], All("l"));
        Assert.Equal(2, _f.LLen("l").Number);
    }

    [Fact]
    public void Pop_of_more_than_the_length_returns_everything_and_removes_the_key()
    {
        long empty = Store.Bytes;
        _f.Push("l", false, "a", "b");
        var popped = _f.Pop("l", left: false, count: 10);
        Assert.Equal(["b", "a"], StoreFixture.Strings(popped.Values!));
        Assert.Equal(0, _f.Exists("l").Number);
        Assert.Equal(GridValueType.None, _f.TypeOf("l"));
        Assert.Equal(empty, Store.Bytes);
        Assert.Equal(empty, _f.Account.Total);
    }

    [Fact]
    public void Key_disappears_when_its_list_is_popped_empty_one_by_one()
    {
        long empty = Store.Bytes;
        _f.Push("l", true, "a", "b", "c");
        _f.Pop("l", true);
        _f.Pop("l", false);
        Assert.Equal(1, _f.Exists("l").Number);
        _f.Pop("l", true);
        Assert.Equal(0, _f.Exists("l").Number);
        Assert.Equal(0, Store.Count);
        Assert.Equal(empty, Store.Bytes);
    }

    [Fact]
    public void Pop_of_a_missing_list_is_not_found()
    {
        Assert.Equal(ResultStatus.NotFound, _f.Pop("l", true).Status);
        Assert.Equal(0, Store.Count);
    }

    [Fact]
    public void Length_of_a_missing_list_is_zero() => Assert.Equal(0, _f.LLen("l").Number);

    [Theory]
    [InlineData(0, -1, "a b c d e")]
    [InlineData(0, 0, "a")]
    [InlineData(1, 3, "b c d")]
    [InlineData(-2, -1, "d e")]
    [InlineData(-1, -1, "e")]
    [InlineData(-100, 1, "a b")]
    [InlineData(2, 100, "c d e")]
    [InlineData(-3, 3, "c d")]
    [InlineData(3, 1, "")]
    [InlineData(5, 10, "")]
    [InlineData(0, -6, "")]
    [InlineData(-5, -5, "a")]
    [InlineData(4, 4, "e")]
    [InlineData(long.MinValue, long.MaxValue, "a b c d e")]
    [InlineData(long.MaxValue, long.MaxValue, "")]
    [InlineData(0, long.MinValue, "")]
    public void Range_uses_inclusive_indexes_and_negative_ones_count_from_the_end(long start, long stop, string expected)
    {
        _f.Push("l", false, "a", "b", "c", "d", "e");
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), _f.RangeStrings("l", start, stop));
    }

    [Fact]
    public void Range_of_a_missing_list_is_empty()
    {
        var result = _f.Range("l", 0, -1);
        Assert.Equal(ResultStatus.Ok, result.Status);
        Assert.Empty(result.Values!);
    }

    [Fact]
    public void Range_returns_copies_the_caller_may_change()
    {
        _f.Push("l", false, "abc");
        _f.Range("l", 0, -1).Values![0][0] = (byte)'X';
        Assert.Equal(["abc"], All("l"));
    }

    [Fact]
    public void List_behaves_as_a_deque_across_growth_and_wrap_around()
    {
        var model = new LinkedList<string>();
        var random = new Random(3);
        long empty = Store.Bytes;
        for (int i = 0; i < 5_000; i++)
        {
            int action = random.Next(10);
            bool left = random.Next(2) == 0;
            if (action < 6 || model.Count == 0)
            {
                string v = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _f.Push("l", left, v);
                if (left)
                {
                    model.AddFirst(v);
                }
                else
                {
                    model.AddLast(v);
                }
            }
            else
            {
                int count = 1 + random.Next(3);
                var popped = StoreFixture.Strings(_f.Pop("l", left, count).Values!);
                var expected = new List<string>();
                for (int j = 0; j < count && model.Count > 0; j++)
                {
                    expected.Add(left ? model.First!.Value : model.Last!.Value);
                    if (left)
                    {
                        model.RemoveFirst();
                    }
                    else
                    {
                        model.RemoveLast();
                    }
                }

                Assert.Equal(expected, popped);
            }

            Assert.Equal(model.Count, _f.LLen("l").Number);
            if (i % 250 == 0)
            {
                Assert.Equal(model, All("l"));
                StoreInspector.AssertConsistent(Store);
            }
        }

        Assert.Equal(model, All("l"));
        if (model.Count > 0)
        {
            _f.Pop("l", true, model.Count);
        }

        Assert.Equal(0, Store.Count);
        Assert.Equal(empty, Store.Bytes);
    }
}
