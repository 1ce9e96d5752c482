namespace Grid.Grains.Tags;

/// <summary>An index shard's content as it moves with the grain to another silo: per tag, its keys as <c>[u16 length][key]</c> runs.</summary>
[GenerateSerializer, Alias("grid.TagShardSnapshot")]
internal sealed class TagShardSnapshot
{
    [Id(0)] public byte[][] Tags { get; set; } = [];

    [Id(1)] public byte[][] Keys { get; set; } = [];
}
