using System.Buffers;

namespace Grid.Resp.Protocol;

/// <summary>
/// Reads commands from a connection's input, as Redis does (networking.c <c>processMultibulkBuffer</c> and
/// <c>processInlineBuffer</c>): a frame starting with <c>*</c> is a multibulk command, anything else an inline one.
/// Arguments are slices of the input (no copy, no allocation), kept in a <see cref="RespArguments"/>; an incomplete
/// command leaves the reader where the command starts; with a <see cref="RespParseProgress"/> the next read goes on from
/// its last whole argument (without one, it parses the command again with more bytes). Errors are
/// Redis's, at the point Redis detects them, with the same limits (<see cref="RespLimits"/>).
/// </summary>
internal static class RespParser
{
    /// <summary>
    /// Reads the next command from <paramref name="reader"/>, skipping empty ones (<c>*0</c>, <c>*-1</c>, blank inline
    /// lines) as Redis does. On <see cref="RespParseStatus.Command"/> the reader is past it and its arguments were
    /// appended to <paramref name="arguments"/>; on <see cref="RespParseStatus.Incomplete"/> the reader is at its
    /// start; on <see cref="RespParseStatus.Error"/> <paramref name="error"/> is the full error reply.
    /// </summary>
    public static RespParseStatus TryParse(ref SequenceReader<byte> reader, RespArguments arguments, in RespLimits limits, out RespCommandRange command, out byte[]? error) =>
        TryParse(ref reader, arguments, limits, null, out command, out error);

    /// <summary>
    /// The same, remembering in <paramref name="progress"/> how far an incomplete multibulk command got, and goes on from there
    /// when called again with more bytes (the reader at the same command's start).
    /// </summary>
    public static RespParseStatus TryParse(ref SequenceReader<byte> reader, RespArguments arguments, in RespLimits limits, RespParseProgress? progress, out RespCommandRange command, out byte[]? error)
    {
        while (true)
        {
            command = default;
            error = null;
            if (reader.End)
            {
                return RespParseStatus.Incomplete;
            }

            int firstArgument = arguments.Count;
            var r = reader;
            reader.TryPeek(out byte first);
            var status = first == (byte)'*'
                ? ParseMultiBulk(ref r, arguments, limits, progress, out error)
                : ParseInline(ref r, arguments, limits, out error);
            if (status == RespParseStatus.Incomplete)
            {
                arguments.Truncate(firstArgument);
                return status;
            }

            if (status == RespParseStatus.Error)
            {
                arguments.Truncate(firstArgument);
                progress?.Reset();
                return status;
            }

            reader = r;
            if (arguments.Count > firstArgument)
            {
                command = new RespCommandRange(firstArgument, arguments.Count - firstArgument);
                return RespParseStatus.Command;
            }
        }
    }

    private static RespParseStatus ParseMultiBulk(ref SequenceReader<byte> r, RespArguments arguments, in RespLimits limits, RespParseProgress? progress, out byte[]? error)
    {
        error = null;
        var start = r;
        int firstArgument = arguments.Count;
        bool resumed = progress is { Active: true };
        long count;
        long i;
        LineStatus status;
        ReadOnlySequence<byte> line;
        if (resumed)
        {
            // The command's start is where the last read left it: go on from its next argument, once enough came.
            if (r.Remaining < progress!.Needed)
            {
                return RespParseStatus.Incomplete;
            }

            count = progress.Expected;
            i = progress.Arguments.Count;
            r.Advance(progress.Offset);
        }
        else
        {
            if (TryParseInSpan(ref r, arguments, limits))
            {
                return RespParseStatus.Command;
            }

            status = ReadLine(ref r, limits.MaxInlineBytes, out line);
            if (status == LineStatus.Incomplete)
            {
                return RespParseStatus.Incomplete;
            }

            if (status == LineStatus.TooLong)
            {
                error = RespProtocolErrors.TooBigMultiBulkCount;
                return RespParseStatus.Error;
            }

            if (!RespInteger.TryParse(line.Slice(1), out count) || count > limits.MaxMultiBulkLength)
            {
                error = RespProtocolErrors.InvalidMultiBulkLength;
                return RespParseStatus.Error;
            }

            i = 0;
        }

        for (; i < count; i++)
        {
            long lineStart = r.Consumed - start.Consumed;
            status = ReadLine(ref r, limits.MaxInlineBytes, out line);
            if (status == LineStatus.Incomplete)
            {
                // Parsing goes on at this line once at least one more byte came.
                Save(progress, start, r, arguments, firstArgument, resumed, count, lineStart, lineStart + r.Remaining + 1);
                return RespParseStatus.Incomplete;
            }

            if (status == LineStatus.TooLong)
            {
                error = RespProtocolErrors.TooBigBulkCount;
                return RespParseStatus.Error;
            }

            byte marker = line.IsEmpty ? (byte)'\r' : line.FirstSpan[0];
            if (marker != (byte)'$')
            {
                // Redis's error replies never carry a line break.
                error = RespProtocolErrors.ExpectedDollar(marker is (byte)'\r' or (byte)'\n' ? (byte)' ' : marker);
                return RespParseStatus.Error;
            }

            if (!RespInteger.TryParse(line.Slice(1), out long length) || length < 0 || length > limits.MaxBulkBytes)
            {
                error = RespProtocolErrors.InvalidBulkLength;
                return RespParseStatus.Error;
            }

            // The bulk and the two bytes that end it (Redis skips them without looking, and so does this).
            if (r.Remaining < length + 2)
            {
                // Nothing is tried again until the whole bulk is in.
                Save(progress, start, r, arguments, firstArgument, resumed, count, lineStart, r.Consumed - start.Consumed + length + 2);
                return RespParseStatus.Incomplete;
            }

            if (resumed)
            {
                progress!.Arguments.Add((r.Consumed - start.Consumed, length));
            }
            else
            {
                arguments.Add(r.UnreadSequence.Slice(0, length));
            }

            r.Advance(length + 2);
        }

        if (resumed)
        {
            // Complete: its arguments, as slices of the input like any other command's.
            var m = start;
            long at = 0;
            foreach (var (offset, length) in progress!.Arguments)
            {
                m.Advance(offset - at);
                arguments.Add(m.UnreadSequence.Slice(0, length));
                m.Advance(length);
                at = offset + length;
            }

            progress.Reset();
        }

        return RespParseStatus.Command;
    }

    /// <summary>
    /// Most arguments the fast path reads (their offsets sit on the stack); longer commands, such as an MSET of many
    /// keys, take the general path, which needs no such list.
    /// </summary>
    private const int MaxArgumentsInSpan = 64;

    /// <summary>
    /// The fast path: a whole, well-formed multibulk command within the reader's current span (the common case: a
    /// pipeline's commands in one buffer) is read from the span, without the sequence reader's per-line work. False,
    /// with nothing consumed or added, for anything else (the command spans segments or is incomplete, a length is not
    /// one Redis accepts, a bound is passed, an empty command, more than <see cref="MaxArgumentsInSpan"/> arguments):
    /// the general path then reads it, and words any error.
    /// </summary>
    private static bool TryParseInSpan(ref SequenceReader<byte> r, RespArguments arguments, in RespLimits limits)
    {
        var span = r.UnreadSpan;
        int at = 1;
        if (!TryReadLength(span, ref at, limits.MaxInlineBytes, out long count) || count <= 0 || count > limits.MaxMultiBulkLength
            || count > MaxArgumentsInSpan)
        {
            return false;
        }

        // Each argument's offset in the span and its length, on the stack.
        int arity = (int)count;
        Span<(int Offset, int Length)> found = stackalloc (int, int)[arity];
        for (int i = 0; i < arity; i++)
        {
            if (at >= span.Length || span[at] != (byte)'$')
            {
                return false;
            }

            at++;
            if (!TryReadLength(span, ref at, limits.MaxInlineBytes, out long length) || length < 0 || length > limits.MaxBulkBytes
                || length + 2 > span.Length - at)
            {
                return false;
            }

            found[i] = (at, (int)length);
            at += (int)length + 2;
        }

        // Slices of the input, as the general path makes them: positions found from the command's start, in its segment.
        var sequence = r.Sequence;
        var start = r.Position;
        foreach (var (offset, length) in found)
        {
            arguments.Add(sequence.Slice(sequence.GetPosition(offset, start), length));
        }

        r.Advance(at);
        return true;
    }

    /// <summary>
    /// A length line in <paramref name="span"/> from <paramref name="at"/> to its <c>\r</c>, which one more byte must
    /// follow (the <c>\n</c>, not checked, as in Redis); <paramref name="at"/> ends past both. False when the line is
    /// not whole within the span or within <paramref name="maxBytes"/>, or is not an integer.
    /// </summary>
    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int at, int maxBytes, out long value)
    {
        value = 0;
        if (at >= span.Length)
        {
            return false;
        }

        var rest = span[at..];
        int end = rest.IndexOf((byte)'\r');
        if (end < 0 || end > maxBytes || end + 1 >= rest.Length || !RespInteger.TryParse(rest[..end], out value))
        {
            return false;
        }

        at += end + 2;
        return true;
    }

    /// <summary>
    /// Records an incomplete command in <paramref name="progress"/> (when given): the first time, the arguments parsed
    /// so far become offsets from the command's start (they are slices of this read's input, which goes).
    /// </summary>
    private static void Save(RespParseProgress? progress, in SequenceReader<byte> start, in SequenceReader<byte> r, RespArguments arguments, int firstArgument, bool resumed, long count, long offset, long needed)
    {
        if (progress is null)
        {
            return;
        }

        if (!resumed)
        {
            progress.Reset();
            var sequence = r.Sequence;
            long origin = sequence.GetOffset(start.Position);
            for (int a = firstArgument; a < arguments.Count; a++)
            {
                ref readonly var argument = ref arguments[a];
                progress.Arguments.Add((sequence.GetOffset(argument.Start) - origin, argument.Length));
            }
        }

        progress.Save(count, offset, needed);
    }

    private static RespParseStatus ParseInline(ref SequenceReader<byte> r, RespArguments arguments, in RespLimits limits, out byte[]? error)
    {
        error = null;
        long available = r.Remaining;
        if (!r.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
        {
            if (available > limits.MaxInlineBytes)
            {
                error = RespProtocolErrors.TooBigInline;
                return RespParseStatus.Error;
            }

            return RespParseStatus.Incomplete;
        }

        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (!InlineSplitter.TrySplit(line, arguments))
        {
            error = RespProtocolErrors.UnbalancedQuotes;
            return RespParseStatus.Error;
        }

        return RespParseStatus.Command;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }

    /// <summary>
    /// A length line: from the current byte to the next <c>\r</c>, which must be followed by one more byte (the <c>\n</c>,
    /// not checked, as in Redis). Too long when no <c>\r</c> comes within <paramref name="maxBytes"/>.
    /// </summary>
    private static LineStatus ReadLine(ref SequenceReader<byte> r, int maxBytes, out ReadOnlySequence<byte> line)
    {
        long available = r.Remaining;
        var start = r;
        if (!r.TryReadTo(out line, (byte)'\r', advancePastDelimiter: true))
        {
            return available > maxBytes ? LineStatus.TooLong : LineStatus.Incomplete;
        }

        if (r.End)
        {
            r = start;
            return LineStatus.Incomplete;
        }

        r.Advance(1);
        return LineStatus.Complete;
    }

    private enum LineStatus
    {
        Complete,
        Incomplete,
        TooLong,
    }
}
