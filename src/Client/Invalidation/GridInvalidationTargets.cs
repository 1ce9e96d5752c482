namespace Grid.Client;

/// <summary>What a data change invalidates: keys to remove, tags and key patterns to invalidate.</summary>
public sealed class GridInvalidationTargets
{
    /// <summary>Keys to remove.</summary>
    public List<string> Keys { get; } = [];

    /// <summary>Tags to invalidate (<see cref="IGridCache.InvalidateTagAsync"/>).</summary>
    public List<string> Tags { get; } = [];

    /// <summary>Redis glob patterns to invalidate (<see cref="IGridCache.InvalidatePatternAsync"/>).</summary>
    public List<string> Patterns { get; } = [];

    /// <summary>Whether there is nothing to invalidate.</summary>
    public bool IsEmpty => Keys.Count == 0 && Tags.Count == 0 && Patterns.Count == 0;

    /// <summary>Adds a key to remove.</summary>
    /// <param name="key">The key.</param>
    public GridInvalidationTargets Key(string key)
    {
        Keys.Add(key);
        return this;
    }

    /// <summary>Adds a tag to invalidate.</summary>
    /// <param name="tag">The tag.</param>
    public GridInvalidationTargets Tag(string tag)
    {
        Tags.Add(tag);
        return this;
    }

    /// <summary>Adds a key pattern to invalidate.</summary>
    /// <param name="pattern">A Redis glob pattern.</param>
    public GridInvalidationTargets Pattern(string pattern)
    {
        Patterns.Add(pattern);
        return this;
    }

    internal void AddFrom(GridInvalidationTargets other)
    {
        Keys.AddRange(other.Keys);
        Tags.AddRange(other.Tags);
        Patterns.AddRange(other.Patterns);
    }
}
