namespace Grid.Resp.Protocol;

/// <summary>The parser's bounds (from <c>Grid:Resp</c>): what one frame may hold before the connection is refused.</summary>
/// <param name="MaxBulkBytes">Largest bulk string.</param>
/// <param name="MaxMultiBulkLength">Most arguments of one command.</param>
/// <param name="MaxInlineBytes">Longest inline command, and longest length line (<c>*n</c>, <c>$n</c>) waiting for its end.</param>
internal readonly record struct RespLimits(long MaxBulkBytes, int MaxMultiBulkLength, int MaxInlineBytes)
{
    /// <summary>Redis's defaults, bounded for the grid: 16 MiB bulks, 1048576 arguments, 64 KiB inline.</summary>
    public static RespLimits Default => new(16L << 20, 1 << 20, 64 * 1024);
}
