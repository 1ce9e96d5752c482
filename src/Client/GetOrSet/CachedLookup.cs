namespace Grid.Client.GetOrSet;

/// <summary>What a GetOrSet read found: whether there is a value, whether it is still fresh, and its payload.</summary>
internal readonly record struct CachedLookup(bool Exists, bool Fresh, ReadOnlyMemory<byte> Payload);
