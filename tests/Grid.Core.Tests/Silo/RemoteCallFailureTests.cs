using System.Net;
using Grid.Grains.Silo;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Orleans.Runtime;

namespace Grid.Core.Tests.Silo;

/// <summary>
/// What a silo answers for the ops of a partition grain call that failed in a way that does not prove they did not run
/// (the partition's silo stopping mid-call, for one): a read or a write with a request id goes again (the partition
/// remembers request ids, so a write that did run is not applied twice); only a write without one is reported.
/// </summary>
public sealed class RemoteCallFailureTests
{
    private static readonly SiloAddress Here = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    [Theory]
    [InlineData(OpCode.Get, false, true)]
    [InlineData(OpCode.Set, true, true)]
    [InlineData(OpCode.Set, false, false)]
    public void A_failed_call_answers_each_op_by_whether_it_can_go_again(OpCode code, bool requestId, bool goesAgain)
    {
        var ops = new List<SiloEntryGrain.RemoteOp> { new(0, 7, 0, 0, code, requestId) };

        var answer = RemoteCallFailure.Results(ops, new TimeoutException("the target silo stopped"), Here);

        Assert.Equal(goesAgain ? ResultStatus.NotHere : ResultStatus.Unavailable, ResultFrame.Decode(answer.ResultFrame)[0].Status);
    }
}
