using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Core.Tests.Wire;

/// <summary>
/// Copies out of frames (<see cref="FrameBuffer.CopyOf"/>, used by <see cref="FrameBuffer.ToArray"/> and for every value
/// a result frame hands out): exact bytes at every size, small arrays and those large enough to skip zeroing alike.
/// </summary>
public sealed class FrameCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(2047)]
    [InlineData(2048)]
    [InlineData(4096)]
    [InlineData(100_000)]
    public void A_copy_holds_exactly_the_bytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);

        var copy = FrameBuffer.CopyOf(bytes);

        Assert.Equal(bytes, copy);
        Assert.NotSame(bytes, copy);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4096)]
    [InlineData(70_000)]
    public void A_frame_grown_past_its_first_buffer_gives_back_exactly_what_was_written(int valueLength)
    {
        var value = new byte[valueLength];
        new Random(valueLength).NextBytes(value);
        using var frame = new FrameBuffer(16);
        ResultFrame.WriteHeader(frame, 3);
        for (int i = 0; i < 3; i++)
        {
            ResultFrame.WriteValue(frame, value);
        }

        var results = ResultFrame.Decode(frame.ToArray());

        Assert.Equal(3, results.Length);
        Assert.All(results, result => Assert.Equal(value, result.Value));
    }
}
