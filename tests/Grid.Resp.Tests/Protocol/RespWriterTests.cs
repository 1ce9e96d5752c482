using System.Buffers;
using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Tests.Protocol;

public sealed class RespWriterTests
{
    [Theory]
    [InlineData(2, "$-1\r\n*-1\r\n*4\r\n")]
    [InlineData(3, "_\r\n_\r\n%2\r\n")]
    public void Nulls_and_maps_take_the_protocol_form(int protocol, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output) { Protocol = protocol };
        writer.WriteNull();
        writer.WriteNullArray();
        writer.WriteMapHeader(2);
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Errors_never_carry_a_line_break()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output);
        writer.WriteError("ERR a\r\nb");
        writer.WriteInteger(-42);
        writer.WriteBulk("é"u8);
        Assert.Equal("-ERR a  b\r\n:-42\r\n$2\r\né\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(output.WrittenCount, writer.Written);
    }
}
