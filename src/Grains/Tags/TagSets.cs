using System.Diagnostics.CodeAnalysis;

namespace Grid.Grains.Tags;

/// <summary>The tags one index shard knows, each with its <see cref="CompactKeySet"/>, looked up by UTF-8 bytes without allocating.</summary>
internal sealed class TagSets
{
    private const int EntryOverhead = 80;

    private readonly Dictionary<byte[], CompactKeySet> _sets = new(Utf8BytesComparer.Instance);
    private readonly Dictionary<byte[], CompactKeySet>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public TagSets() => _lookup = _sets.GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count => _sets.Count;

    public IEnumerable<KeyValuePair<byte[], CompactKeySet>> All => _sets;

    public bool TryGet(ReadOnlySpan<byte> tag, [NotNullWhen(true)] out CompactKeySet? set) => _lookup.TryGetValue(tag, out set);

    public CompactKeySet GetOrAdd(ReadOnlySpan<byte> tag)
    {
        if (!_lookup.TryGetValue(tag, out var set))
        {
            set = new CompactKeySet();
            _sets[tag.ToArray()] = set;
        }

        return set;
    }

    /// <summary>Takes a tag's set out (an invalidation owns it from then on); null when the tag has none.</summary>
    public CompactKeySet? Detach(ReadOnlySpan<byte> tag) => _lookup.Remove(tag, out _, out var set) ? set : null;

    /// <summary>Forgets a tag whose set became empty.</summary>
    public void RemoveIfEmpty(ReadOnlySpan<byte> tag, CompactKeySet set)
    {
        if (set.Count == 0)
        {
            _lookup.Remove(tag);
        }
    }

    /// <summary>Heap bytes of one tag's entry: its set, its name and the dictionary slot.</summary>
    public static long BytesOf(byte[] tag, CompactKeySet set) => set.HeapBytes + 24 + ((tag.Length + 7) & ~7) + EntryOverhead;
}
