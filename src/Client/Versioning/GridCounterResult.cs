namespace Grid.Client;

/// <summary>A counter after <see cref="IGridCache.IncrementWithVersionAsync"/>: its new value and the entry version that write gave it.</summary>
/// <param name="Value">The counter's value after the increment.</param>
/// <param name="Version">The entry's version after the increment.</param>
public readonly record struct GridCounterResult(long Value, long Version);
