namespace Grid.Client.GetOrSet;

/// <summary>
/// What a GetOrSet read found: whether there is a value, whether it is still fresh, whether it is due for its
/// refresh-ahead (fresh, past <see cref="GridGetOrSetOptions.RefreshAhead"/> of its time to live), and its payload.
/// </summary>
internal readonly record struct CachedLookup(bool Exists, bool Fresh, ReadOnlyMemory<byte> Payload, bool RefreshDue = false);
