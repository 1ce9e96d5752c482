using Grid.Protocol.Wire;

namespace Grid.Core.Tests.Wire;

/// <summary><see cref="AnswerSizeEstimate"/>: the bytes-per-operation estimate clients and silos size buffers by.</summary>
public sealed class AnswerSizeEstimateTests
{
    [Fact]
    public void Each_batch_moves_the_estimate_a_quarter_of_the_way_to_its_own_figure()
    {
        Assert.Equal(16 + ((4_096 - 16) / 4), AnswerSizeEstimate.Next(16, 14 * 4_096, 14));
        Assert.Equal(1_000 - ((1_000 - 10) / 4), AnswerSizeEstimate.Next(1_000, 100, 10));
    }

    [Fact]
    public void A_batch_without_operations_leaves_it_as_it_was() =>
        Assert.Equal(123, AnswerSizeEstimate.Next(123, 0, 0));
}
