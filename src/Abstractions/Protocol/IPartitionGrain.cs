namespace Grid.Protocol;

/// <summary>
/// A partition of the key space (integer key = partition id). It owns the partition's store; data normally reaches the
/// store directly through <see cref="ISiloEntryGrain"/>, and this grain call is the fallback that finds or activates the
/// partition wherever it lives.
/// </summary>
[Alias("grid.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the operations of a request frame (keys of this partition), in order.</summary>
    [Alias("Execute")]
    Task<PartitionBatchResult> Execute(byte[] requestFrame);

    /// <summary>
    /// One bounded step of a key listing (the RESP endpoint's SCAN and KEYS): examines at most
    /// <paramref name="maxExamined"/> entries (capped by <c>Grid:Tags:ScanBatchSize</c>) going down from
    /// <paramref name="cursor"/> (<see cref="int.MaxValue"/> to start) and returns the live keys among them that match
    /// <paramref name="pattern"/> (a Redis glob; null: every key) and <paramref name="type"/> (<see cref="GridValueType.None"/>:
    /// any; <see cref="GridValueType.String"/> includes counters), with the cursor to continue from (0: done). Every key
    /// present for the whole walk is returned at least once (some may be returned twice); keys written during it may or
    /// may not be.
    /// </summary>
    [Alias("ScanKeys")]
    Task<KeyScanPage> ScanKeys(int cursor, byte[]? pattern, GridValueType type, int maxExamined);
}

/// <summary>One step of <see cref="IPartitionGrain.ScanKeys"/>: the keys found and where to continue (0: the partition is done).</summary>
[GenerateSerializer, Immutable, Alias("grid.KeyScanPage")]
public sealed record KeyScanPage([property: Id(0)] byte[][] Keys, [property: Id(1)] int Cursor);

/// <summary>The result frame of a partition grain call, and the silo the partition lives on (a routing hint for the caller).</summary>
[GenerateSerializer, Immutable, Alias("grid.PartitionBatchResult")]
public sealed record PartitionBatchResult([property: Id(0)] byte[] ResultFrame, [property: Id(1)] SiloAddress Silo);
