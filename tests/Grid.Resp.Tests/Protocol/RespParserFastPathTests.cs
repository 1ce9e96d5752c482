using System.Text;

namespace Grid.Resp.Tests.Protocol;

/// <summary>
/// The parser reads a whole multibulk command that lies in one buffer from the span (its fast path) and anything else
/// through the sequence reader. Input in one-byte segments never takes the fast path, so each input below, parsed
/// whole and in one-byte segments, must give the same commands, the same error and the same bytes consumed.
/// </summary>
public sealed class RespParserFastPathTests
{
    [Fact]
    public void Whole_buffers_read_as_byte_by_byte_input_does_for_valid_and_mutated_pipelines()
    {
        var random = new Random(20261205);
        for (int round = 0; round < 2_000; round++)
        {
            byte[] input = Pipeline(random);
            if (round % 2 == 1)
            {
                Mutate(random, input);
            }

            var whole = ParserHarness.Parse(ParserHarness.Limits, input);
            var bytes = ParserHarness.Parse(ParserHarness.Limits, [.. input.Select(b => new[] { b })]);
            Assert.True(whole.Commands.SequenceEqual(bytes.Commands), $"round {round}: {Encoding.ASCII.GetString(input)}");
            Assert.Equal(bytes.Error, whole.Error);
            Assert.Equal(bytes.Consumed, whole.Consumed);
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    public void Commands_of_many_arguments_read_the_same_on_either_side_of_the_fast_paths_bound(int arity)
    {
        var text = new StringBuilder().Append(FormattableString.Invariant($"*{arity}\r\n"));
        for (int i = 0; i < arity; i++)
        {
            text.Append(FormattableString.Invariant($"${i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}\r\n{i}\r\n"));
        }

        var (commands, error, consumed) = ParserHarness.Parse(text.ToString());
        Assert.Null(error);
        Assert.Equal([string.Join("|", Enumerable.Range(0, arity))], commands);
        Assert.Equal(text.Length, consumed);
    }

    /// <summary>A few commands of 1-5 arguments of 0-40 bytes (binary: any byte, line breaks too), now and then an inline one.</summary>
    private static byte[] Pipeline(Random random)
    {
        var bytes = new List<byte>();
        int commands = random.Next(1, 6);
        for (int c = 0; c < commands; c++)
        {
            if (random.Next(8) == 0)
            {
                bytes.AddRange("PING x\r\n"u8.ToArray());
                continue;
            }

            int arity = random.Next(1, 6);
            bytes.AddRange(Encoding.ASCII.GetBytes(FormattableString.Invariant($"*{arity}\r\n")));
            for (int a = 0; a < arity; a++)
            {
                var argument = new byte[random.Next(0, 41)];
                random.NextBytes(argument);
                bytes.AddRange(Encoding.ASCII.GetBytes(FormattableString.Invariant($"${argument.Length}\r\n")));
                bytes.AddRange(argument);
                bytes.AddRange("\r\n"u8.ToArray());
            }
        }

        return [.. bytes];
    }

    /// <summary>Breaks the input: a byte changed to a digit, a sign, a marker or a line break, or the input cut short.</summary>
    private static void Mutate(Random random, byte[] input)
    {
        ReadOnlySpan<byte> choices = "0159-*$\r\nx"u8;
        int changes = random.Next(1, 3);
        for (int i = 0; i < changes; i++)
        {
            input[random.Next(input.Length)] = choices[random.Next(choices.Length)];
        }
    }
}
