using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Core.Tests.Silo;

/// <summary>A request frame carries its batch's number and the batch it follows (<see cref="BatchOrder"/>), and refuses nonsense.</summary>
public sealed class BatchOrderFrameTests
{
    private static readonly GridOp[] Ops = [new GridOp { Code = OpCode.Get, Key = Encoding.UTF8.GetBytes("k") }];

    [Fact]
    public void The_batch_order_round_trips()
    {
        var frame = OpFrame.Encode(Ops, origin: new RequestOrigin(42, 1), order: new BatchOrder(9, 8));

        var reader = new OpFrameReader(frame);

        Assert.Equal(new BatchOrder(9, 8), reader.Order);
        Assert.Equal(42UL, reader.Origin.Client);
        Assert.True(reader.TryRead(out var op, out _, out _));
        Assert.Equal("k", Encoding.UTF8.GetString(op.Key));
    }

    [Fact]
    public void A_frame_without_order_reads_as_none()
    {
        Assert.Equal(default, new OpFrameReader(OpFrame.Encode(Ops)).Order);
    }

    [Theory]
    [InlineData(0UL, 9L, 8L)]
    [InlineData(42UL, 0L, 8L)]
    public void Following_a_batch_without_a_client_or_a_number_of_its_own_is_refused(ulong client, long batch, long after)
    {
        var frame = OpFrame.Encode(Ops, origin: new RequestOrigin(client, 1), order: new BatchOrder(batch, after));

        var error = Assert.Throws<FormatException>(() => new OpFrameReader(frame));
        Assert.Contains("batch", error.Message);
    }
}
