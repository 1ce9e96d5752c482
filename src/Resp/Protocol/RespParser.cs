using System.Buffers;

namespace Grid.Resp.Protocol;

/// <summary>
/// Reads commands from a connection's input, as Redis does (networking.c <c>processMultibulkBuffer</c> and
/// <c>processInlineBuffer</c>): a frame starting with <c>*</c> is a multibulk command, anything else an inline one.
/// Arguments are slices of the input (no copy, no allocation), kept in a <see cref="RespArguments"/>; an incomplete
/// command leaves the reader where the command starts, so the next read parses it again with more bytes. Errors are
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
    public static RespParseStatus TryParse(ref SequenceReader<byte> reader, RespArguments arguments, in RespLimits limits, out RespCommandRange command, out byte[]? error)
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
                ? ParseMultiBulk(ref r, arguments, limits, out error)
                : ParseInline(ref r, arguments, limits, out error);
            if (status == RespParseStatus.Incomplete)
            {
                arguments.Truncate(firstArgument);
                return status;
            }

            if (status == RespParseStatus.Error)
            {
                arguments.Truncate(firstArgument);
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

    private static RespParseStatus ParseMultiBulk(ref SequenceReader<byte> r, RespArguments arguments, in RespLimits limits, out byte[]? error)
    {
        error = null;
        var status = ReadLine(ref r, limits.MaxInlineBytes, out var line);
        if (status == LineStatus.Incomplete)
        {
            return RespParseStatus.Incomplete;
        }

        if (status == LineStatus.TooLong)
        {
            error = RespProtocolErrors.TooBigMultiBulkCount;
            return RespParseStatus.Error;
        }

        if (!RespInteger.TryParse(line.Slice(1), out long count) || count > limits.MaxMultiBulkLength)
        {
            error = RespProtocolErrors.InvalidMultiBulkLength;
            return RespParseStatus.Error;
        }

        for (long i = 0; i < count; i++)
        {
            status = ReadLine(ref r, limits.MaxInlineBytes, out line);
            if (status == LineStatus.Incomplete)
            {
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
                return RespParseStatus.Incomplete;
            }

            arguments.Add(r.UnreadSequence.Slice(0, length));
            r.Advance(length + 2);
        }

        return RespParseStatus.Command;
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
