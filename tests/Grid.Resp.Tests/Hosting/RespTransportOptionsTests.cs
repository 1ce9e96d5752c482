using Grid.Grains.Hosting;
using Grid.Resp.Hosting;

namespace Grid.Resp.Tests.Hosting;

/// <summary>The RESP port's socket transport follows the silo's settings.</summary>
public sealed class RespTransportOptionsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Connections_run_inline_as_the_silo_setting_says(bool inline)
    {
        var options = RespServer.TransportOptions(new GridRespOptions(), inline);
        Assert.Equal(inline, options.UnsafePreferInlineScheduling);
    }

    [Fact]
    public void Buffers_are_bounded_by_the_resp_limits()
    {
        var resp = new GridRespOptions { MaxOutputBufferBytes = 1 << 20, MaxQueryBufferBytes = 2 << 20 };
        var options = RespServer.TransportOptions(resp, inline: true);
        Assert.Equal(1 << 20, options.MaxWriteBufferSize);
        Assert.Equal(2 << 20, options.MaxReadBufferSize);
    }

    [Fact]
    public void Inline_socket_completions_are_on_by_default()
    {
        Assert.True(new GridSiloOptions().InlineSocketCompletions);
    }
}
