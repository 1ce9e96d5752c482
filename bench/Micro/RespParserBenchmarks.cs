using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Grid.Resp.Protocol;

namespace Grid.Bench.Micro;

/// <summary>
/// The RESP endpoint's parser on one read of a pipeline of 16 commands (as <c>redis-benchmark -P 16</c> sends them), in
/// one buffer and cut into 512-byte segments (as a large read arrives from the transport's pool).
/// </summary>
[MemoryDiagnoser]
public class RespParserBenchmarks
{
    private static readonly RespLimits Limits = new(MaxBulkBytes: 512 << 20, MaxMultiBulkLength: 1 << 20, MaxInlineBytes: 64 << 10);
    private readonly RespArguments _arguments = new();
    private ReadOnlySequence<byte> _gets;
    private ReadOnlySequence<byte> _sets;
    private ReadOnlySequence<byte> _setsInSegments;

    [GlobalSetup]
    public void Setup()
    {
        var gets = new StringBuilder();
        var sets = new StringBuilder();
        string value = new('x', 100);
        for (int i = 0; i < 16; i++)
        {
            string key = $"key:{i:D12}";
            gets.Append(Invariant($"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n"));
            sets.Append(Invariant($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n"));
        }

        _gets = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(gets.ToString()));
        var setBytes = Encoding.ASCII.GetBytes(sets.ToString());
        _sets = new ReadOnlySequence<byte>(setBytes);
        _setsInSegments = BenchSegments.Cut(setBytes, 512);
    }

    [Benchmark(Description = "16 GETs, one buffer")]
    public int Gets() => ParseAll(_gets);

    [Benchmark(Description = "16 SETs of 100 B, one buffer")]
    public int Sets() => ParseAll(_sets);

    [Benchmark(Description = "16 SETs of 100 B, 512-byte segments")]
    public int SetsInSegments() => ParseAll(_setsInSegments);

    private int ParseAll(in ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        int commands = 0;
        while (RespParser.TryParse(ref reader, _arguments, Limits, out _, out _) == RespParseStatus.Command)
        {
            commands++;
        }

        _arguments.Clear();
        return commands;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Input cut into segments of a fixed size.</summary>
    private sealed class BenchSegments : ReadOnlySequenceSegment<byte>
    {
        private BenchSegments(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Cut(byte[] bytes, int size)
        {
            var first = new BenchSegments(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
            var last = first;
            for (int at = size; at < bytes.Length; at += size)
            {
                var next = new BenchSegments(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)), at);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
