namespace Grid.Grains.Storage;

/// <summary>
/// What a store tells the silo about its changes: keeps the partition's write version and hands every change to the
/// store's <see cref="IStoreChangeListener"/> (replication, the tag index, near-cache invalidation) with the caller of
/// the locked operation under way (<see cref="Context"/>). Used under the store's lock.
/// </summary>
internal sealed class StoreChangeFeed(int partition, IStoreChangeListener? listener)
{
    private readonly IStoreChangeListener? _listener = listener;

    public int Partition { get; } = partition;

    /// <summary>Bumped by every change of an entry; lets observers order what they hear about this partition.</summary>
    public long Version { get; set; }

    /// <summary>
    /// The caller of the locked operation under way (set and cleared by the store around it), handed to listeners with
    /// each change so they can add what the caller must wait for; null for the silo's own background work.
    /// </summary>
    public BatchContext? Context { get; set; }

    /// <summary>
    /// A snapshot is being loaded: its entries are not changes (listeners already know them), so writes are not
    /// reported (removals still are).
    /// </summary>
    public bool Restoring { get; set; }

    /// <summary>
    /// Set by a hash or list operation around its write (<see cref="StructureAccess"/>, <see cref="ExpiryOps"/>): what it
    /// changed in the structure, reported with that entry's write only.
    /// </summary>
    public StructureDelta? PendingDelta { get; set; }

    /// <summary>Someone hears writes now (a listener, and no snapshot loading): worth collecting what they need.</summary>
    public bool HearsWrites => _listener is not null && !Restoring;

    /// <summary>Someone hears removals.</summary>
    public bool HearsRemovals => _listener is not null;

    /// <summary>
    /// Reports that an entry was written: its <paramref name="record"/> now, its structure when it is a hash or list,
    /// and the tags it had before when it replaced another record.
    /// </summary>
    public void Written(ReadOnlySpan<byte> record, ComplexEntry? complex, ReadOnlySpan<byte> previousTags, ulong trackers) =>
        _listener!.OnChanged(new StoreChange
        {
            Partition = Partition,
            Version = Version,
            Kind = StoreChangeKind.Written,
            Key = EntryRecord.Key(record),
            Tags = EntryRecord.TagsBlock(record),
            PreviousTags = previousTags,
            Trackers = trackers,
            Record = record,
            Complex = complex,
            Delta = PendingDelta is { } delta && complex is not null && ReferenceEquals(delta.Entry, complex) ? delta : null,
            Context = Context,
        });

    /// <summary>Reports that the entry with <paramref name="record"/> is being removed.</summary>
    public void Removed(ReadOnlySpan<byte> record, RemovalCause cause, ulong trackers) =>
        _listener!.OnChanged(new StoreChange
        {
            Partition = Partition,
            Version = Version,
            Kind = StoreChangeKind.Removed,
            Cause = cause,
            Key = EntryRecord.Key(record),
            Tags = EntryRecord.TagsBlock(record),
            Trackers = trackers,
            Context = Context,
        });

    /// <summary>Reports that the clients in <paramref name="trackers"/> are no longer tracked for <paramref name="key"/> (the entry did not change).</summary>
    public void TrackingEvicted(ReadOnlySpan<byte> key, ulong trackers) =>
        _listener?.OnChanged(new StoreChange
        {
            Partition = Partition,
            Version = Version,
            Kind = StoreChangeKind.TrackingEvicted,
            Key = key,
            Trackers = trackers,
        });

    /// <summary>Reports that the answer to a write with a request id was kept (replicas keep it too).</summary>
    public void RequestRecorded(ulong client, long requestId, long completedBelow, byte[] answer) =>
        _listener?.OnChanged(new StoreChange
        {
            Partition = Partition,
            Version = Version,
            Kind = StoreChangeKind.RequestRecorded,
            Context = Context,
            RequestClient = client,
            RequestId = requestId,
            CompletedBelow = completedBelow,
            Answer = answer,
        });
}
