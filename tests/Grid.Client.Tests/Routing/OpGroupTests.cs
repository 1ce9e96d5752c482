using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;
using Grid.Protocol;

namespace Grid.Client.Tests.Routing;

/// <summary>A multi-key call's group completes once every one of its operations completed (answered or failed), and only then.</summary>
public sealed class OpGroupTests
{
    [Fact]
    public void A_group_of_no_operations_is_complete_at_once() =>
        Assert.True(new OpGroup(0).Task.IsCompletedSuccessfully);

    [Fact]
    public async Task A_group_completes_when_its_last_operation_is_answered_or_fails_and_repeats_do_not_count()
    {
        var group = new OpGroup(3);
        var ops = Enumerable.Range(0, 3).Select(i => new PendingOp(TestOps.Set($"k{i}"), 0, Environment.TickCount64 + 60_000, group: group)).ToArray();

        ops[0].Complete(GridResult.Ok);
        ops[0].Complete(GridResult.Ok);
        ops[1].Fail(new GridUnavailableException("gone"));
        ops[1].Complete(GridResult.Ok);
        Assert.False(group.Task.IsCompleted);

        ops[2].Complete(GridResult.Ok);
        await group.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ops[0].Task.IsCompletedSuccessfully);
        Assert.True(ops[1].Task.IsFaulted);
    }
}
