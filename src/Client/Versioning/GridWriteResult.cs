namespace Grid.Client;

/// <summary>The outcome of a versioned write (<see cref="IGridCache.SetWithVersionAsync"/>, <see cref="IGridCache.RemoveWithVersionAsync"/>).</summary>
/// <param name="Applied">
/// True when the write ran. False when its condition did not hold (<see cref="GridEntryOptions.IfVersion"/> was not the
/// entry's version, or <see cref="GridEntryOptions.When"/> was false): nothing changed. A conflict is an answer, not an error.
/// </param>
/// <param name="Version">
/// When applied: the entry's version after the write (0 after a removal). When not: the version the entry has now (0:
/// the key does not exist), so a read-modify-write loop can tell a conflict from a missing key without another read.
/// </param>
public readonly record struct GridWriteResult(bool Applied, long Version);
