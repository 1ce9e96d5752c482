namespace Grid.Grains.Storage;

/// <summary>
/// Receives the entries that carry tags during <see cref="PartitionStore.VisitTagged"/>, under the store's lock: it must
/// only record what it needs (append to a buffer) and never block, call out or touch another store.
/// </summary>
internal interface ITaggedEntryVisitor
{
    /// <summary>One live entry: its key and its tags block (see <see cref="Protocol.Wire.TagBlock"/>), valid only during the call.</summary>
    void Visit(ReadOnlySpan<byte> key, ReadOnlySpan<byte> tagsBlock);
}
