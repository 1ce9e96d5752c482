using System.Buffers;
using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Tests.Protocol;

/// <summary>Runs the parser over input given as segments (to cut it anywhere) and collects the commands as text.</summary>
internal static class ParserHarness
{
    public static RespLimits Limits { get; } = new(MaxBulkBytes: 1024, MaxMultiBulkLength: 100, MaxInlineBytes: 256);

    /// <summary>Every command of <paramref name="segments"/> (arguments joined by '|'), then the error reply if any.</summary>
    public static (List<string> Commands, string? Error, long Consumed) Parse(RespLimits limits, params byte[][] segments)
    {
        var sequence = Segments.Build(segments);
        var reader = new SequenceReader<byte>(sequence);
        using var arguments = new RespArguments();
        var commands = new List<string>();
        string? error = null;
        while (true)
        {
            var status = RespParser.TryParse(ref reader, arguments, limits, out var command, out var reply);
            if (status == RespParseStatus.Command)
            {
                var parts = new List<string>();
                for (int i = 0; i < command.Count; i++)
                {
                    parts.Add(Encoding.UTF8.GetString(arguments[command.Start + i]));
                }

                commands.Add(string.Join("|", parts));
                continue;
            }

            if (status == RespParseStatus.Error)
            {
                error = Encoding.UTF8.GetString(reply!);
            }

            break;
        }

        return (commands, error, reader.Consumed);
    }

    public static (List<string> Commands, string? Error, long Consumed) Parse(string text) => Parse(Limits, Encoding.UTF8.GetBytes(text));

    /// <summary>A sequence of several segments.</summary>
    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Build(byte[][] parts)
        {
            if (parts.Length == 0)
            {
                return ReadOnlySequence<byte>.Empty;
            }

            var first = new Segments(parts[0], 0);
            var last = first;
            for (int i = 1; i < parts.Length; i++)
            {
                var next = new Segments(parts[i], last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
