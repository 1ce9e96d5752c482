using Grid.Client.Results;
using Grid.Protocol;

namespace Grid.Client.Tests.Results;

/// <summary><see cref="ResultCheck"/>: answers pass, error statuses become the documented exceptions.</summary>
public sealed class ResultCheckTests
{
    [Theory]
    [InlineData((int)ResultStatus.Ok)]
    [InlineData((int)ResultStatus.NotFound)]
    [InlineData((int)ResultStatus.ConditionNotMet)]
    public void Answers_pass_through(int status) =>
        Assert.Equal((ResultStatus)status, ResultCheck.Check(GridResult.OfStatus((ResultStatus)status), "k").Status);

    [Theory]
    [InlineData((int)ResultStatus.WrongType, typeof(GridWrongTypeException))]
    [InlineData((int)ResultStatus.NotInteger, typeof(GridWrongTypeException))]
    [InlineData((int)ResultStatus.Overflow, typeof(GridOverflowException))]
    [InlineData((int)ResultStatus.InvalidArgument, typeof(ArgumentException))]
    [InlineData((int)ResultStatus.NotHere, typeof(GridUnavailableException))]
    [InlineData((int)ResultStatus.Unavailable, typeof(GridUnavailableException))]
    public void Error_statuses_throw_the_documented_exception(int status, Type expected) =>
        Assert.IsType(expected, Record.Exception(() => ResultCheck.Check(GridResult.OfStatus((ResultStatus)status), "k")));

    [Fact]
    public void Long_keys_are_shortened_in_messages()
    {
        var key = new string('k', 100);

        var error = Assert.Throws<GridUnavailableException>(() => ResultCheck.Check(GridResult.OfStatus(ResultStatus.Unavailable), key));

        Assert.Contains(new string('k', 61) + "...", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('k', 62), error.Message, StringComparison.Ordinal);
        Assert.Equal(64, ResultCheck.Shorten(key).Length);
    }
}
