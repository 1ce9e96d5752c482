using System.Buffers;
using System.Text;
using Grid.Resp.Protocol;
using Grid.Resp.Tracking;

namespace Grid.Resp.Tests.Tracking;

/// <summary>A connection's tracking outbox: Redis's push frames, one wake-up per batch, and a bound.</summary>
public sealed class TrackingClientTests
{
    [Fact]
    public void Invalidations_are_written_as_resp3_push_frames_after_one_wake_up()
    {
        int wakes = 0;
        var client = new TrackingClient(1, () => wakes++);
        client.Push("a"u8.ToArray());
        client.Push("bc"u8.ToArray());
        client.Push(null);
        Assert.Equal(1, wakes);

        Assert.Equal(
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nbc\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n",
            Write(client, protocol: 3));
        Assert.Equal("", Write(client, protocol: 3));

        client.Push("d"u8.ToArray());
        Assert.Equal(2, wakes);
    }

    [Fact]
    public void Resp2_connections_get_no_pushes_as_in_redis_without_redirect()
    {
        var client = new TrackingClient(1, () => { });
        client.Push("a"u8.ToArray());
        Assert.Equal("", Write(client, protocol: 2));
        Assert.Equal("", Write(client, protocol: 3));
    }

    [Fact]
    public void An_outbox_past_its_bound_becomes_one_drop_everything()
    {
        var client = new TrackingClient(1, () => { });
        for (int i = 0; i <= TrackingClient.MaxOutbox; i++)
        {
            client.Push(Encoding.ASCII.GetBytes("k" + i));
        }

        Assert.Equal(">2\r\n$10\r\ninvalidate\r\n_\r\n", Write(client, protocol: 3));
    }

    [Fact]
    public void Bcast_prefixes_match_keys_that_start_with_one_of_them()
    {
        var client = new TrackingClient(1, () => { }) { Prefixes = ["user:"u8.ToArray(), "cart:"u8.ToArray()] };
        Assert.True(client.Matches("user:42"u8));
        Assert.True(client.Matches("cart:"u8));
        Assert.False(client.Matches("use"u8));
        Assert.False(client.Matches("order:1"u8));

        var all = new TrackingClient(2, () => { }) { Prefixes = [[]] };
        Assert.True(all.Matches("anything"u8));
    }

    private static string Write(TrackingClient client, int protocol)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(output) { Protocol = protocol };
        client.WritePushes(writer);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
