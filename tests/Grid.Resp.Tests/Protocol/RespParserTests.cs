using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Tests.Protocol;

public sealed class RespParserTests
{
    private const string Pipeline = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING hello\r\n*1\r\n$4\r\nPING\r\n";

    [Fact]
    public void Multibulk_command_is_read_with_binary_safe_arguments()
    {
        var (commands, error, _) = ParserHarness.Parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n");
        Assert.Null(error);
        Assert.Equal(["SET|k|va\r\nl"], commands);
    }

    [Fact]
    public void Pipelined_frames_are_all_read_in_order()
    {
        var (commands, error, consumed) = ParserHarness.Parse(Pipeline);
        Assert.Null(error);
        Assert.Equal(["SET|k|va\r\nl", "GET|k", "PING|hello", "PING"], commands);
        Assert.Equal(Encoding.UTF8.GetByteCount(Pipeline), consumed);
    }

    [Fact]
    public void Input_cut_at_any_byte_reads_the_same_commands()
    {
        byte[] all = Encoding.UTF8.GetBytes(Pipeline);
        for (int cut = 1; cut < all.Length; cut++)
        {
            var (commands, error, _) = ParserHarness.Parse(ParserHarness.Limits, all[..cut], all[cut..]);
            Assert.Null(error);
            Assert.Equal(["SET|k|va\r\nl", "GET|k", "PING|hello", "PING"], commands);
        }
    }

    [Fact]
    public void Input_in_one_byte_segments_reads_the_same_commands()
    {
        byte[] all = Encoding.UTF8.GetBytes(Pipeline);
        var (commands, error, _) = ParserHarness.Parse(ParserHarness.Limits, [.. all.Select(b => new[] { b })]);
        Assert.Null(error);
        Assert.Equal(["SET|k|va\r\nl", "GET|k", "PING|hello", "PING"], commands);
    }

    [Fact]
    public void Incomplete_command_consumes_nothing_of_it()
    {
        for (int cut = 1; cut < Pipeline.Length; cut++)
        {
            string prefix = Pipeline[..cut];
            var (commands, error, consumed) = ParserHarness.Parse(prefix);
            Assert.Null(error);
            var (complete, _, _) = ParserHarness.Parse(Pipeline);
            Assert.Equal(complete.Take(commands.Count), commands);
            Assert.True(consumed <= cut);
        }
    }

    [Theory]
    [InlineData("PING\r\n", "PING")]
    [InlineData("PING\n", "PING")]
    [InlineData("  set   a  b \r\n", "set|a|b")]
    [InlineData("set \"a b\" 'c d'\r\n", "set|a b|c d")]
    [InlineData("set \"\\x41\\n\" 'it\\'s'\r\n", "set|A\n|it's")]
    [InlineData("set a\"b c\"\r\n", "set|ab c")]
    public void Inline_commands_split_as_redis_splits_them(string input, string expected)
    {
        var (commands, error, _) = ParserHarness.Parse(input);
        Assert.Null(error);
        Assert.Equal([expected], commands);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("   \r\n")]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    public void Empty_commands_are_skipped(string input)
    {
        var (commands, error, consumed) = ParserHarness.Parse(input + "PING\r\n");
        Assert.Null(error);
        Assert.Equal(["PING"], commands);
        Assert.Equal(input.Length + 6, consumed);
    }

    [Theory]
    [InlineData("*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*01\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*101\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\n$1025\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\nxx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n")]
    [InlineData("*1\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n")]
    [InlineData("*1\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n")]
    [InlineData("set \"a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    [InlineData("set \"a\"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    [InlineData("set 'a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public void Protocol_errors_are_worded_as_redis_words_them(string input, string expected)
    {
        var (commands, error, _) = ParserHarness.Parse("PING\r\n" + input);
        Assert.Equal(["PING"], commands);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Inline_request_over_the_limit_without_a_line_end_is_refused()
    {
        var (_, error, _) = ParserHarness.Parse(new string('a', 257));
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", error);

        var (_, within, _) = ParserHarness.Parse(new string('a', 256));
        Assert.Null(within);
    }

    [Fact]
    public void Length_lines_over_the_limit_without_a_line_end_are_refused()
    {
        var (_, multibulk, _) = ParserHarness.Parse("*" + new string('1', 300));
        Assert.Equal("-ERR Protocol error: too big mbulk count string\r\n", multibulk);

        var (_, bulk, _) = ParserHarness.Parse("*1\r\n$" + new string('1', 300));
        Assert.Equal("-ERR Protocol error: too big bulk count string\r\n", bulk);
    }

    [Fact]
    public void A_bulk_waiting_for_its_bytes_is_incomplete_not_an_error()
    {
        var (commands, error, consumed) = ParserHarness.Parse("*1\r\n$1024\r\n" + new string('a', 1000));
        Assert.Empty(commands);
        Assert.Null(error);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Argument_array_grows_past_its_first_size()
    {
        var input = new StringBuilder("*90\r\n");
        for (int i = 0; i < 90; i++)
        {
            input.Append("$1\r\n").Append((char)('a' + i % 26)).Append("\r\n");
        }

        var (commands, error, _) = ParserHarness.Parse(input.ToString());
        Assert.Null(error);
        Assert.Equal(90, commands[0].Split('|').Length);
    }
}
