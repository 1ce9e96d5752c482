namespace Grid.Resp.Protocol;

/// <summary>
/// Protocol errors worded as Redis words them (networking.c <c>processInlineBuffer</c>, <c>processMultibulkBuffer</c>),
/// as the full <c>-ERR ...\r\n</c> reply; after one the connection is closed.
/// </summary>
internal static class RespProtocolErrors
{
    /// <summary>An inline command longer than the inline limit without its end of line.</summary>
    public static readonly byte[] TooBigInline = "-ERR Protocol error: too big inline request\r\n"u8.ToArray();

    /// <summary>An inline command with an open quote.</summary>
    public static readonly byte[] UnbalancedQuotes = "-ERR Protocol error: unbalanced quotes in request\r\n"u8.ToArray();

    /// <summary>A <c>*</c> line longer than the inline limit without its end of line.</summary>
    public static readonly byte[] TooBigMultiBulkCount = "-ERR Protocol error: too big mbulk count string\r\n"u8.ToArray();

    /// <summary>A <c>*</c> count that is not a number or over the limit.</summary>
    public static readonly byte[] InvalidMultiBulkLength = "-ERR Protocol error: invalid multibulk length\r\n"u8.ToArray();

    /// <summary>A <c>$</c> line longer than the inline limit without its end of line.</summary>
    public static readonly byte[] TooBigBulkCount = "-ERR Protocol error: too big bulk count string\r\n"u8.ToArray();

    /// <summary>A <c>$</c> length that is not a number, negative, or over the limit.</summary>
    public static readonly byte[] InvalidBulkLength = "-ERR Protocol error: invalid bulk length\r\n"u8.ToArray();

    /// <summary>The reply to an argument that does not start with <c>$</c>.</summary>
    public static byte[] ExpectedDollar(byte got) => [.. "-ERR Protocol error: expected '$', got '"u8, got, .. "'\r\n"u8];
}
