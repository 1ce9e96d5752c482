using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Grid.Client.Invalidation;

/// <summary>The in-process feed: a bounded channel that <see cref="IChangeFeed.PublishAsync"/> writes and the processor reads.</summary>
internal sealed class ChannelChangeFeed(GridChangeFeedOptions options) : IChangeFeed, IChangeFeedConsumer
{
    private readonly Channel<DataChanged> _channel = Channel.CreateBounded<DataChanged>(new BoundedChannelOptions(options.Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    public ValueTask PublishAsync(DataChanged change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrEmpty(change.Source, "change.Source");
        ArgumentNullException.ThrowIfNull(change.Id, "change.Id");
        if (!Enum.IsDefined(change.Kind))
        {
            throw new ArgumentOutOfRangeException("change.Kind", change.Kind, "Unknown DataChangeKind.");
        }

        return _channel.Writer.WriteAsync(change, cancellationToken);
    }

    public async IAsyncEnumerable<DataChanged> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in _channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }

    public ValueTask AcknowledgeAsync(DataChanged change, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
