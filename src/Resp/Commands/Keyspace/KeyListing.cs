using System.Text;
using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>
/// Walks the grid's keys for SCAN and KEYS: partition by partition (<see cref="IPartitionGrain.ScanKeys"/>, a grain
/// call that finds the partition on whichever silo holds it), a bounded step at a time.
/// </summary>
internal static class KeyListing
{
    /// <summary>How many entries one step examines (the partition caps it by <c>Grid:Tags:ScanBatchSize</c>).</summary>
    public const int StepSize = 1000;

    /// <summary>SCAN's and KEYS's <c>TYPE</c> word as the grid's type; <see cref="GridValueType.None"/> for a word that matches no key.</summary>
    public static GridValueType TypeOf(in RespCall call, int index) =>
        call.Is(index, "string"u8) ? GridValueType.String
        : call.Is(index, "hash"u8) ? GridValueType.Hash
        : call.Is(index, "list"u8) ? GridValueType.List
        : (GridValueType)255;

    /// <summary>One step over <paramref name="partition"/> from <paramref name="cursor"/> (0: its start).</summary>
    public static Task<KeyScanPage> StepAsync(RespContext context, int partition, int cursor, byte[]? pattern, GridValueType type, int maxExamined) =>
        context.Grid.Client.GetGrain<IPartitionGrain>(partition).ScanKeys(cursor, pattern, type, maxExamined);

    /// <summary>Every key of the grid that matches <paramref name="pattern"/>, a few partitions at a time.</summary>
    public static async Task<List<byte[]>> AllAsync(RespContext context, byte[]? pattern)
    {
        var keys = new List<byte[]>();
        int count = context.Grid.PartitionCount;
        const int Parallel = 16;
        var running = new List<Task<List<byte[]>>>(Parallel);
        for (int first = 0; first < count; first += Parallel)
        {
            running.Clear();
            for (int p = first; p < Math.Min(count, first + Parallel); p++)
            {
                running.Add(PartitionAsync(context, p, pattern));
            }

            foreach (var found in await Task.WhenAll(running).ConfigureAwait(false))
            {
                keys.AddRange(found);
            }
        }

        return keys;
    }

    private static async Task<List<byte[]>> PartitionAsync(RespContext context, int partition, byte[]? pattern)
    {
        var keys = new List<byte[]>();
        int cursor = 0;
        do
        {
            var page = await StepAsync(context, partition, cursor, pattern, GridValueType.None, StepSize).ConfigureAwait(false);
            keys.AddRange(page.Keys);
            cursor = page.Cursor;
        }
        while (cursor != 0);

        return keys;
    }

    /// <summary>The pattern as the grid takes it: null for <c>*</c> (every key, no matching needed).</summary>
    public static byte[]? Pattern(in RespCall call, int index) =>
        call[index].Length == 1 && call.Is(index, "*"u8) ? null : call.Bytes(index);

    /// <summary>Writes the keys as an array of bulk strings.</summary>
    public static void WriteKeys(RespContext context, List<byte[]> keys)
    {
        context.Writer.WriteArrayHeader(keys.Count);
        foreach (byte[] key in keys)
        {
            context.Writer.WriteBulk(key);
        }
    }

    /// <summary>The text of an error a grain call failed with.</summary>
    public static string Error(Exception ex) => "ERR " + new StringBuilder(ex.Message).Replace("\r", " ").Replace("\n", " ");
}
