namespace Grid.Protocol;

/// <summary>The size of (part of) the tag index: tags, indexed keys, and the bytes their structures take.</summary>
[GenerateSerializer, Immutable, Alias("grid.TagIndexInfo")]
public sealed record TagIndexInfo(
    [property: Id(0)] long Tags,
    [property: Id(1)] long Keys,
    [property: Id(2)] long Bytes)
{
    /// <summary>Nothing indexed.</summary>
    public static TagIndexInfo Empty { get; } = new(0, 0, 0);

    /// <summary>The sum of two parts.</summary>
    public TagIndexInfo Add(TagIndexInfo other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TagIndexInfo(Tags + other.Tags, Keys + other.Keys, Bytes + other.Bytes);
    }
}
