using System.Buffers;
using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Tests.Protocol;

/// <summary>A command that spans reads goes on from where the last read left it, and reads the same as in one piece.</summary>
public sealed class RespParseProgressTests
{
    private const string Pipeline = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING hello\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";

    private static readonly string[] Expected = ["SET|k|va\r\nl", "GET|k", "PING|hello", "PING", "ECHO|"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void Input_arriving_in_reads_of_any_size_reads_the_same_commands(int step)
    {
        var (commands, progress) = Feed(Encoding.UTF8.GetBytes(Pipeline), step, ParserHarness.Limits);
        Assert.Equal(Expected, commands);
        Assert.False(progress.Active);
    }

    [Fact]
    public void A_large_bulk_arriving_byte_by_byte_is_not_parsed_again_until_it_is_whole()
    {
        string value = new('v', 900);
        byte[] all = Encoding.UTF8.GetBytes($"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$900\r\n{value}\r\n");
        var progress = new RespParseProgress();
        int readsUntilComplete = 0;
        for (int end = 1; end <= all.Length; end++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(all, 0, end));
            using var arguments = new RespArguments();
            var status = RespParser.TryParse(ref reader, arguments, ParserHarness.Limits, progress, out var command, out _);
            if (status == RespParseStatus.Command)
            {
                Assert.Equal(3, command.Count);
                Assert.Equal(value, Encoding.UTF8.GetString(arguments[command.Start + 2]));
                Assert.Equal(all.Length, end);
                Assert.False(progress.Active);
                return;
            }

            Assert.Equal(RespParseStatus.Incomplete, status);
            Assert.Equal(0, reader.Consumed);
            readsUntilComplete++;
            if (end > 30)
            {
                // Past the bulk's length line: the parser waits for the whole bulk (it knows how many bytes it needs).
                Assert.True(progress.Active);
                Assert.Equal(all.Length, progress.Needed);
            }
        }

        Assert.Fail($"no command after {readsUntilComplete} reads");
    }

    [Fact]
    public void Many_arguments_arriving_in_small_reads_are_each_parsed_once()
    {
        var limits = new RespLimits(MaxBulkBytes: 1024, MaxMultiBulkLength: 100_000, MaxInlineBytes: 256);
        var text = new StringBuilder("*20001\r\n$5\r\nRPUSH\r\n");
        for (int i = 0; i < 20_000; i++)
        {
            text.Append("$1\r\na\r\n");
        }

        var (commands, progress) = Feed(Encoding.UTF8.GetBytes(text.ToString()), 100, limits);
        var command = Assert.Single(commands);
        Assert.Equal(20_001, command.Split('|').Length);
        Assert.False(progress.Active);
    }

    [Fact]
    public void A_protocol_error_after_a_partial_command_forgets_it()
    {
        var progress = new RespParseProgress();
        byte[] first = Encoding.UTF8.GetBytes("*2\r\n$3\r\nGET\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first));
        using var arguments = new RespArguments();
        Assert.Equal(RespParseStatus.Incomplete, RespParser.TryParse(ref reader, arguments, ParserHarness.Limits, progress, out _, out _));
        Assert.True(progress.Active);

        byte[] all = Encoding.UTF8.GetBytes("*2\r\n$3\r\nGET\r\n:1\r\n");
        reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(all));
        Assert.Equal(RespParseStatus.Error, RespParser.TryParse(ref reader, arguments, ParserHarness.Limits, progress, out _, out var error));
        Assert.Equal("-ERR Protocol error: expected '$', got ':'\r\n", Encoding.UTF8.GetString(error!));
        Assert.False(progress.Active);
    }

    /// <summary>Feeds <paramref name="all"/> as a connection receives it, <paramref name="step"/> more bytes a read, consuming what parsed.</summary>
    private static (List<string> Commands, RespParseProgress Progress) Feed(byte[] all, int step, RespLimits limits)
    {
        var progress = new RespParseProgress();
        var commands = new List<string>();
        int start = 0;
        for (int end = Math.Min(step, all.Length); ; end = Math.Min(end + step, all.Length))
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(all, start, end - start));
            using var arguments = new RespArguments();
            while (RespParser.TryParse(ref reader, arguments, limits, progress, out var command, out _) == RespParseStatus.Command)
            {
                var parts = new List<string>();
                for (int i = 0; i < command.Count; i++)
                {
                    parts.Add(Encoding.UTF8.GetString(arguments[command.Start + i]));
                }

                commands.Add(string.Join("|", parts));
            }

            start += (int)reader.Consumed;
            if (end == all.Length)
            {
                return (commands, progress);
            }
        }
    }
}
