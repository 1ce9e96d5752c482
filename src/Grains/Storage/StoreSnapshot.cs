namespace Grid.Grains.Storage;

/// <summary>Every entry of a partition, as it moves with the partition to another silo (or to a replica).</summary>
[GenerateSerializer, Alias("grid.StoreSnapshot")]
internal sealed class StoreSnapshot
{
    /// <summary>Records of strings and counters, exactly as stored (header, key, tags, value).</summary>
    [Id(0)] public byte[][] Records { get; set; } = [];

    /// <summary>Hashes and lists.</summary>
    [Id(1)] public StructureSnapshot[] Structures { get; set; } = [];

    /// <summary>The partition's write version, so it keeps growing after the move.</summary>
    [Id(2)] public long Version { get; set; }

    /// <summary>Answers kept for writes that clients may send again (see <see cref="RequestLog"/>).</summary>
    [Id(3)] public RequestLogSnapshot[]? Requests { get; set; }
}
