using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Tests.Protocol;

public sealed class RespIntegerTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("-12", -12)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integers_redis_accepts_parse(string text, long expected)
    {
        Assert.True(RespInteger.TryParse(Encoding.ASCII.GetBytes(text), out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("01")]
    [InlineData("-0")]
    [InlineData("-")]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999")]
    public void Text_redis_refuses_does_not_parse(string text) =>
        Assert.False(RespInteger.TryParse(Encoding.ASCII.GetBytes(text), out _));
}
