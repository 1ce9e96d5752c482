using Grid.Protocol;
using Grid.Resp.Connections;

namespace Grid.Resp.Tests.Connections;

/// <summary>
/// Ordered groups of one partition's ops: one call per partition at a time, the groups that wait meanwhile merged into
/// the next call (each group's ops back to back, in its order), each group answered with its own results.
/// </summary>
public sealed class OrderedFrameCoalescerTests
{
    [Fact]
    public async Task Groups_that_wait_for_a_call_leave_together_as_the_next_one_each_in_its_order()
    {
        var calls = new FakeCalls();
        var coalescer = new OrderedFrameCoalescer(calls.Send);

        var first = coalescer.ExecuteAsync(Ops(1, 2), partition: 7);
        var second = coalescer.ExecuteAsync(Ops(10, 11, 12), partition: 7);
        var third = coalescer.ExecuteAsync(Ops(20), partition: 7);
        Assert.Single(calls.Sent);                          // the first call is out; the others wait for it

        calls.Answer(0);
        Assert.Equal(new long[] { 1L, 2 }, Numbers(await first));
        await calls.WaitForAsync(2);
        Assert.Equal(new long[] { 10L, 11, 12, 20 }, Keys(calls.Sent[1].Ops)); // both waiting groups, one after the other
        calls.Answer(1);
        Assert.Equal(new long[] { 10L, 11, 12 }, Numbers(await second));
        Assert.Equal(new long[] { 20L }, Numbers(await third));
    }

    [Fact]
    public async Task Partitions_do_not_wait_for_each_other()
    {
        var calls = new FakeCalls();
        var coalescer = new OrderedFrameCoalescer(calls.Send);

        _ = coalescer.ExecuteAsync(Ops(1), partition: 1);
        var other = coalescer.ExecuteAsync(Ops(2), partition: 2);

        Assert.Equal(2, calls.Sent.Count);
        calls.Answer(1);
        Assert.Equal(new long[] { 2L }, Numbers(await other));
    }

    [Fact]
    public async Task A_failed_call_fails_each_group_in_it_and_the_next_groups_still_go()
    {
        var calls = new FakeCalls();
        var coalescer = new OrderedFrameCoalescer(calls.Send);

        var first = coalescer.ExecuteAsync(Ops(1), partition: 3);
        var second = coalescer.ExecuteAsync(Ops(2), partition: 3);
        var third = coalescer.ExecuteAsync(Ops(3), partition: 3);
        calls.Answer(0);
        await first;
        await calls.WaitForAsync(2);
        calls.Fail(1, new TimeoutException("no answer"));
        await Assert.ThrowsAsync<TimeoutException>(() => second);
        await Assert.ThrowsAsync<TimeoutException>(() => third);

        var fourth = coalescer.ExecuteAsync(Ops(4), partition: 3);
        await calls.WaitForAsync(3);
        calls.Answer(2);
        Assert.Equal(new long[] { 4L }, Numbers(await fourth));
    }

    private static GridOp[] Ops(params long[] keys) => [.. keys.Select(k => new GridOp { Code = OpCode.Increment, Key = BitConverter.GetBytes(k), Arg0 = k })];

    private static long[] Keys(GridOp[] ops) => [.. ops.Select(o => BitConverter.ToInt64(o.Key))];

    private static long[] Numbers(GridResult[] results) => [.. results.Select(r => r.Number)];

    /// <summary>Calls made, each answered by the test: its ops' keys back as numbers, in order.</summary>
    private sealed class FakeCalls
    {
        private readonly Lock _gate = new();
        private readonly List<(GridOp[] Ops, TaskCompletionSource<GridResult[]> Answer)> _sent = [];

        public IReadOnlyList<(GridOp[] Ops, TaskCompletionSource<GridResult[]> Answer)> Sent
        {
            get
            {
                lock (_gate)
                {
                    return [.. _sent];
                }
            }
        }

        public Task<GridResult[]> Send(GridOp[] ops, int partition)
        {
            var answer = new TaskCompletionSource<GridResult[]>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _sent.Add((ops, answer));
            }

            return answer.Task;
        }

        public void Answer(int call)
        {
            var (ops, answer) = Sent[call];
            answer.SetResult([.. ops.Select(o => GridResult.OfNumber(BitConverter.ToInt64(o.Key)))]);
        }

        public void Fail(int call, Exception error) => Sent[call].Answer.SetException(error);

        /// <summary>Polls (to a deadline) until <paramref name="count"/> calls were made: the next call leaves from a continuation.</summary>
        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Sent.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Sent.Count} of {count} calls were made");
                await Task.Delay(5);
            }
        }
    }
}
