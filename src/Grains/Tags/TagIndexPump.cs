using System.Buffers.Binary;
using Grid.Grains.Hosting;
using Grid.Grains.Resilience;
using Grid.Grains.Storage;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Grid.Grains.Tags;

/// <summary>
/// Keeps the tag index in step with this silo's stores. As a store change listener it records, under the store's lock,
/// only what the index must learn (a key gaining a tag, or losing it by an overwrite without the tag, a delete, an
/// expiry or an eviction) by appending bytes to a buffer; a background loop drains the buffer, groups the updates per
/// index shard and sends each shard one call per batch. Updates of one tag/key pair always go to the same shard, in
/// the order they were recorded, so the index ends as the stores are. <see cref="FlushAsync"/> waits until everything
/// recorded before it has been delivered: the barrier a tag invalidation passes before it reads the index.
/// <see cref="Announce"/> records every tagged entry of a partition recovered from a replica.
/// </summary>
internal sealed partial class TagIndexPump : IStoreChangeListener, ITaggedEntryVisitor, IHostedService, IDisposable
{
    private const int RecordHeader = 5;
    private const int MaxCallsInFlight = 16;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly ResiliencePropertyKey<string> ShardKey = new("grid.tagShard");
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly GridTagOptions _options;
    private readonly ILogger<TagIndexPump> _logger;
    private readonly Lock _gate = new();
    private readonly ResiliencePipeline _delivery;
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private byte[] _buffer = new byte[4096];
    private byte[] _spare = new byte[4096];
    private int _length;
    private long _recorded;
    private long _delivered;
    private TaskCompletionSource _wake = NewSignal();
    private Task? _loop;

    public TagIndexPump(IGrainFactory grains, IOptions<GridSiloOptions> options, ILogger<TagIndexPump> logger)
    {
        _grains = grains;
        _options = options.Value.Tags;
        _logger = logger;
        _delivery = SiloRetryPipelines.UntilDelivered(FirstRetryDelay, MaxRetryDelay, args =>
        {
            LogDeliveryFailed(_logger, args.Outcome.Exception!, args.Context.Properties.GetValue(ShardKey, "?"), args.AttemptNumber + 1, args.RetryDelay);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Updates recorded since the silo started.</summary>
    public long Recorded
    {
        get
        {
            lock (_gate)
            {
                return _recorded;
            }
        }
    }

    /// <summary>Updates recorded but not yet delivered to the index.</summary>
    public long Pending
    {
        get
        {
            lock (_gate)
            {
                return _recorded - _delivered;
            }
        }
    }

    public void OnChanged(in StoreChange change)
    {
        var tags = change.Tags;
        var previous = change.PreviousTags;
        if (tags.IsEmpty && previous.IsEmpty)
        {
            return;
        }

        TaskCompletionSource wake;
        lock (_gate)
        {
            long before = _recorded;
            if (change.Kind == StoreChangeKind.Removed)
            {
                foreach (var tag in TagBlockTags.Enumerate(tags))
                {
                    Append(TagUpdateFrame.Remove, tag, change.Key);
                }
            }
            else
            {
                // An in-place change reports no previous tags: its tags are recorded again, which the index ignores.
                foreach (var tag in TagBlockTags.Enumerate(tags))
                {
                    if (!TagBlockTags.Contains(previous, tag))
                    {
                        Append(TagUpdateFrame.Add, tag, change.Key);
                    }
                }

                foreach (var tag in TagBlockTags.Enumerate(previous))
                {
                    if (!TagBlockTags.Contains(tags, tag))
                    {
                        Append(TagUpdateFrame.Remove, tag, change.Key);
                    }
                }
            }

            if (_recorded == before)
            {
                return;
            }

            wake = _wake;
        }

        wake.TrySetResult();
    }

    /// <summary>
    /// Records an addition for every tag of every live tagged entry of <paramref name="store"/>, a partition just recovered
    /// from a replica and not yet serving: the silo that died may have recorded its last writes' tags without delivering
    /// them, and the shards that survived it would never learn them otherwise. Pairs the index has already are no-ops.
    /// </summary>
    public void Announce(PartitionStore store)
    {
        if (store.TaggedCount == 0)
        {
            return;
        }

        long before = Recorded;
        int cursor = int.MaxValue;
        while (store.VisitTagged(ref cursor, int.MaxValue, this))
        {
        }

        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
        }

        wake.TrySetResult();
        LogAnnounced(_logger, store.Partition, Recorded - before);
    }

    void ITaggedEntryVisitor.Visit(ReadOnlySpan<byte> key, ReadOnlySpan<byte> tagsBlock)
    {
        lock (_gate)
        {
            foreach (var tag in TagBlockTags.Enumerate(tagsBlock))
            {
                Append(TagUpdateFrame.Add, tag, key);
            }
        }
    }

    /// <summary>Completes once every update recorded before the call has reached its index shard.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_delivered >= _recorded)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_recorded, done));
            wake = _wake;
        }

        wake.TrySetResult();
        return done.Task.WaitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // One last delivery of what is recorded, bounded by the host's shutdown time and a few seconds.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(FinalFlushTimeout);
        try
        {
            await FlushAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogUndelivered(_logger, Pending);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Appends <c>[kind][u16 tag length][u16 key length][tag][key]</c>; the caller holds the gate.</summary>
    private void Append(byte kind, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> key)
    {
        int size = RecordHeader + tag.Length + key.Length;
        if (_buffer.Length - _length < size)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }

        var span = _buffer.AsSpan(_length, size);
        span[0] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)tag.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[3..], (ushort)key.Length);
        tag.CopyTo(span[RecordHeader..]);
        key.CopyTo(span[(RecordHeader + tag.Length)..]);
        _length += size;
        _recorded++;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Task signal;
            lock (_gate)
            {
                signal = _length == 0 ? _wake.Task : Task.CompletedTask;
            }

            try
            {
                await signal.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            byte[]? batch = null;
            int length = 0;
            long target;
            lock (_gate)
            {
                target = _recorded;
                if (_length > 0)
                {
                    (batch, length) = (_buffer, _length);
                    (_buffer, _length) = (_spare, 0);
                }

                _wake = NewSignal();
            }

            Dictionary<string, List<byte[]>>? groups = null;
            if (batch is not null)
            {
                // Grouping runs outside the gate, so writers (who record under their store's lock) never wait for it.
                groups = Group(batch.AsSpan(0, length));
                lock (_gate)
                {
                    // Keep the buffer for the next swap, but let a huge one (a burst) go.
                    _spare = batch.Length <= 1 << 20 ? batch : new byte[4096];
                }
            }

            if (groups is not null)
            {
                try
                {
                    await DeliverAsync(groups, stopping).ConfigureAwait(false);
                }
                catch (Exception) when (stopping.IsCancellationRequested)
                {
                    // Stopping: deliveries are no longer retried, whatever their last attempt ended with.
                    return;
                }
            }

            MarkDelivered(target);
        }
    }

    private void MarkDelivered(long target)
    {
        List<TaskCompletionSource>? done = null;
        lock (_gate)
        {
            _delivered = target;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= target)
                {
                    (done ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (done is not null)
        {
            foreach (var waiter in done)
            {
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>Groups the records per index shard and sends them: shards in parallel, each shard's calls in order.</summary>
    private async Task DeliverAsync(Dictionary<string, List<byte[]>> groups, CancellationToken stopping)
    {
        using var gate = new SemaphoreSlim(MaxCallsInFlight);
        var sends = new List<Task>(groups.Count);
        foreach (var (grainKey, frames) in groups)
        {
            sends.Add(SendGroupAsync(grainKey, frames, gate, stopping));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private Dictionary<string, List<byte[]>> Group(ReadOnlySpan<byte> records)
    {
        int shards = _options.IndexShards;
        int buckets = _options.IndexBuckets;
        int batchSize = _options.UpdateBatchSize;
        var open = new Dictionary<int, (FrameBuffer Body, int Count)>();
        var frames = new Dictionary<string, List<byte[]>>();
        try
        {
            int offset = 0;
            while (offset < records.Length)
            {
                byte kind = records[offset];
                int tagLength = BinaryPrimitives.ReadUInt16LittleEndian(records[(offset + 1)..]);
                int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(records[(offset + 3)..]);
                var tag = records.Slice(offset + RecordHeader, tagLength);
                var key = records.Slice(offset + RecordHeader + tagLength, keyLength);
                offset += RecordHeader + tagLength + keyLength;

                int bucket = TagIndexAddressing.Bucket(tag, buckets);
                int shard = TagIndexAddressing.Shard(key, shards);
                int id = (bucket * shards) + shard;
                if (!open.TryGetValue(id, out var group))
                {
                    group = (new FrameBuffer(256), 0);
                }

                TagUpdateFrame.Write(group.Body, kind, tag, key);
                group.Count++;
                if (group.Count >= batchSize)
                {
                    Seal(frames, bucket, shard, group);
                    group.Body.Reset();
                    group.Count = 0;
                }

                open[id] = group;
            }

            foreach (var (id, group) in open)
            {
                if (group.Count > 0)
                {
                    Seal(frames, id / shards, id % shards, group);
                }
            }

            return frames;
        }
        finally
        {
            foreach (var group in open.Values)
            {
                group.Body.Dispose();
            }
        }
    }

    private static void Seal(Dictionary<string, List<byte[]>> frames, int bucket, int shard, (FrameBuffer Body, int Count) group)
    {
        string key = TagIndexAddressing.GrainKey(bucket, shard);
        if (!frames.TryGetValue(key, out var list))
        {
            frames[key] = list = [];
        }

        list.Add(TagUpdateFrame.Build(group.Count, group.Body.Written));
    }

    /// <summary>Sends one shard's frames in order, retrying each with backoff until it is delivered or the silo stops.</summary>
    private async Task SendGroupAsync(string grainKey, List<byte[]> frames, SemaphoreSlim gate, CancellationToken stopping)
    {
        var shard = _grains.GetGrain<ITagIndexGrain>(grainKey);
        foreach (var frame in frames)
        {
            var resilience = ResilienceContextPool.Shared.Get(stopping);
            resilience.Properties.Set(ShardKey, grainKey);
            try
            {
                await _delivery.ExecuteAsync(
                    static async (context, state) =>
                    {
                        // The gate bounds calls in flight, not retries waiting out their backoff.
                        await state.Gate.WaitAsync(context.CancellationToken).ConfigureAwait(false);
                        try
                        {
                            await state.Shard.Apply(state.Frame).ConfigureAwait(false);
                        }
                        finally
                        {
                            state.Gate.Release();
                        }
                    },
                    resilience,
                    (Shard: shard, Frame: frame, Gate: gate)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(resilience);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering tag index updates to shard {Shard} failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string shard, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Partition} recovered from a replica: {Pairs} tag/key pairs announced to the tag index")]
    private static partial void LogAnnounced(ILogger logger, int partition, long pairs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo stopped with {Count} tag index updates undelivered; the index may keep stale keys, which invalidations skip")]
    private static partial void LogUndelivered(ILogger logger, long count);
}
