namespace Grid.Grains.Storage;

/// <summary>What happened to an entry.</summary>
internal enum StoreChangeKind : byte
{
    /// <summary>Created, overwritten, or modified in place (value, structure, expiry).</summary>
    Written = 1,

    /// <summary>Removed; <see cref="StoreChange.Cause"/> says why.</summary>
    Removed = 2,

    /// <summary>
    /// Nothing changed in the entry: the silo stopped tracking it for the clients in <see cref="StoreChange.Trackers"/>
    /// (its tracking table was full), so they must drop their copies. Carries no tags.
    /// </summary>
    TrackingEvicted = 3,

    /// <summary>
    /// Nothing changed in any entry: the partition kept its answer to a write that carried a request id
    /// (<see cref="StoreChange.RequestClient"/>, <see cref="StoreChange.RequestId"/>, <see cref="StoreChange.Answer"/>),
    /// so the write sent again is answered, not applied twice; replicas keep it too. Carries no key.
    /// </summary>
    RequestRecorded = 4,
}

/// <summary>Why an entry was removed.</summary>
internal enum RemovalCause : byte
{
    /// <summary>Not a removal.</summary>
    None = 0,

    /// <summary>Deleted by an operation (a remove, or a hash or list that lost its last element).</summary>
    Deleted = 1,

    /// <summary>Its time to live ran out.</summary>
    Expired = 2,

    /// <summary>Evicted to keep the silo within its memory budget.</summary>
    Evicted = 3,

    /// <summary>Removed by an invalidation (by tag or by key pattern).</summary>
    Invalidated = 4,
}

/// <summary>One change of one entry, as a store reports it to its listeners (valid only during the call).</summary>
internal readonly ref struct StoreChange
{
    public int Partition { get; init; }

    /// <summary>The partition's version after the change.</summary>
    public long Version { get; init; }

    public StoreChangeKind Kind { get; init; }

    public RemovalCause Cause { get; init; }

    public ReadOnlySpan<byte> Key { get; init; }

    /// <summary>The entry's tags block after a write, or the removed entry's tags.</summary>
    public ReadOnlySpan<byte> Tags { get; init; }

    /// <summary>For an overwrite: the tags block the entry had before (it may have lost tags).</summary>
    public ReadOnlySpan<byte> PreviousTags { get; init; }

    /// <summary>Near-cache slots of the clients that read this key since its last change (bit per slot); tracking ends with this change.</summary>
    public ulong Trackers { get; init; }

    /// <summary>After a write: the entry's record as stored now (header, key, tags, value; only valid during the call: copy what you keep).</summary>
    public ReadOnlySpan<byte> Record { get; init; }

    /// <summary>After a write of a hash or list: the structure itself (copy what you keep); null for a string or counter.</summary>
    public ComplexEntry? Complex { get; init; }

    /// <summary>After a write of a hash or list: what the operation changed in it, or null (then only <see cref="Entry"/> says).</summary>
    public StructureDelta? Delta { get; init; }

    /// <summary>
    /// The caller whose operation made this change (null for the silo's own background work: the expiry sweep, a
    /// replica applying its primary's changes): listeners add to it what the caller must wait for before answering.
    /// </summary>
    public BatchContext? Context { get; init; }

    /// <summary><see cref="StoreChangeKind.RequestRecorded"/>: the client that numbered the request.</summary>
    public ulong RequestClient { get; init; }

    /// <summary><see cref="StoreChangeKind.RequestRecorded"/>: the request's id.</summary>
    public long RequestId { get; init; }

    /// <summary><see cref="StoreChangeKind.RequestRecorded"/>: every request of that client below this one has completed.</summary>
    public long CompletedBelow { get; init; }

    /// <summary><see cref="StoreChangeKind.RequestRecorded"/>: the encoded answer (never modified; share it).</summary>
    public byte[]? Answer { get; init; }
}

/// <summary>
/// Hears every change of every partition store of the silo, under the store's lock: it must only record what it needs
/// (append to a buffer, signal a pump) and never block, call out or touch another store.
/// </summary>
internal interface IStoreChangeListener
{
    void OnChanged(in StoreChange change);
}
