using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Protocol.Wire;

namespace Grid.Grains.Tags;

/// <summary>
/// One walk over this silo's stores that answers every index shard that asked for its tag/key pairs before the walk
/// began (see <see cref="TagPairCollector"/>). A request without partitions wants every live primary; one with
/// partitions wants those, from the primary if it is live here, else from this silo's replica (the partition has no live
/// primary, or is between silos), or from the primary that replica became during the walk. Each store is walked in
/// bounded steps under its lock; every tagged entry's key is hashed once to its shard and each of its tags to its
/// bucket, and the pair goes to the requests of that shard.
/// </summary>
internal sealed class TagPairPass(int buckets, int shards, int partitionCount) : ITaggedEntryVisitor
{
    private readonly List<Request> _requests = [];
    private Routes? _current;

    public int Requests => _requests.Count;

    /// <summary>Adds a request; it completes when the pass is done.</summary>
    public Task<TagPairsAnswer> Add(int bucket, int shard, PartitionSet? partitions)
    {
        var request = new Request(bucket * shards + shard, shard, partitions, partitionCount);
        _requests.Add(request);
        return request.Done.Task;
    }

    /// <summary>Walks the stores and answers every request (or fails them all).</summary>
    public async Task RunAsync(PartitionStoreRegistry primaries, ReplicaRegistry replicas, int step)
    {
        try
        {
            var everyPrimary = new Routes(shards);
            var wanted = new PartitionSet(partitionCount);
            foreach (var request in _requests)
            {
                if (request.Partitions is null)
                {
                    everyPrimary.Add(request);
                }
                else
                {
                    wanted.UnionWith(request.Partitions);
                }
            }

            // The snapshot of live primaries is taken after every request of this pass arrived: a partition that becomes
            // live here later is walked by a later pass, or its changes reach the index through the pump afterwards.
            var walked = new PartitionSet(partitionCount);
            foreach (var store in primaries.All)
            {
                walked.Add(store.Partition);
                if (everyPrimary.Count > 0 || wanted.Contains(store.Partition))
                {
                    await VisitAsync(store, everyPrimary, step);
                }
            }

            foreach (int partition in wanted.Partitions())
            {
                if (walked.Contains(partition))
                {
                    continue;
                }

                // Its replica here, or, when that replica was promoted while the primaries were walked (it is dropped
                // as its primary registers), the primary it became: otherwise this round would walk it nowhere.
                if ((replicas.StoreOf(partition) ?? primaries.TryGet(partition)) is { } store)
                {
                    await VisitAsync(store, null, step);
                }
            }

            // Taken after the walk: a partition that became live here meanwhile (arrived, recovered) is known, so the shard
            // asks for it again if it was walked nowhere.
            var known = Known(primaries, replicas);
            foreach (var request in _requests)
            {
                request.Done.TrySetResult(new TagPairsAnswer
                {
                    Updates = TagUpdateFrame.Build(request.Count, request.Body.Written),
                    Pairs = request.Count,
                    Scanned = request.Scanned,
                    Known = known,
                });
            }
        }
        catch (Exception ex)
        {
            foreach (var request in _requests)
            {
                request.Done.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var request in _requests)
            {
                request.Body.Dispose();
            }
        }
    }

    public void Visit(ReadOnlySpan<byte> key, ReadOnlySpan<byte> tagsBlock)
    {
        var routes = _current!;
        int shard = TagIndexAddressing.Shard(key, shards);
        if (!routes.Wants(shard))
        {
            return;
        }

        foreach (var tag in TagBlockTags.Enumerate(tagsBlock))
        {
            if (routes.TryGet((TagIndexAddressing.Bucket(tag, buckets) * shards) + shard, out var requests))
            {
                foreach (var request in requests)
                {
                    TagUpdateFrame.Write(request.Body, TagUpdateFrame.Add, tag, key);
                    request.Count++;
                }
            }
        }
    }

    /// <summary>Walks one store (a primary when <paramref name="everyPrimary"/> is given, else a replica) for the requests that want it.</summary>
    private async Task VisitAsync(PartitionStore store, Routes? everyPrimary, int step)
    {
        var routes = everyPrimary;
        foreach (var request in _requests)
        {
            if (request.Partitions is { } partitions && partitions.Contains(store.Partition))
            {
                if (ReferenceEquals(routes, everyPrimary))
                {
                    routes = everyPrimary?.Copy() ?? new Routes(shards);
                }

                routes!.Add(request);
            }
        }

        if (routes is not { Count: > 0 })
        {
            return;
        }

        routes.MarkScanned(store.Partition);
        if (store.TaggedCount == 0)
        {
            // Nothing tagged now; anything tagged later is recorded by the pump and reaches the shard after its rebuild.
            return;
        }

        _current = routes;
        int cursor = int.MaxValue;
        while (store.VisitTagged(ref cursor, step, this))
        {
            // Between steps the store's lock is free: writes and reads of the partition go on.
            await Task.Yield();
        }
    }

    private PartitionSet Known(PartitionStoreRegistry primaries, ReplicaRegistry replicas)
    {
        var known = new PartitionSet(partitionCount);
        for (int partition = 0; partition < partitionCount; partition++)
        {
            if (primaries.WasHere(partition))
            {
                known.Add(partition);
            }
        }

        foreach (int partition in replicas.Partitions())
        {
            known.Add(partition);
        }

        return known;
    }

    private sealed class Request(int id, int shard, PartitionSet? partitions, int partitionCount)
    {
        public int Id { get; } = id;

        public int Shard { get; } = shard;

        public PartitionSet? Partitions { get; } = partitions;

        public FrameBuffer Body { get; } = new(256);

        public int Count { get; set; }

        public PartitionSet Scanned { get; } = new(partitionCount);

        public TaskCompletionSource<TagPairsAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Which requests a store's pairs go to, by shard grain id (bucket × shards + shard).</summary>
    private sealed class Routes(int shards)
    {
        private readonly Dictionary<int, List<Request>> _byId = [];
        private readonly bool[] _shards = new bool[shards];
        private readonly List<Request> _all = [];

        public int Count => _all.Count;

        public void Add(Request request)
        {
            _all.Add(request);
            _shards[request.Shard] = true;
            if (!_byId.TryGetValue(request.Id, out var list))
            {
                _byId[request.Id] = list = [];
            }

            list.Add(request);
        }

        public Routes Copy()
        {
            var copy = new Routes(shards);
            foreach (var request in _all)
            {
                copy.Add(request);
            }

            return copy;
        }

        public bool Wants(int shard) => _shards[shard];

        public bool TryGet(int id, out List<Request> requests) => _byId.TryGetValue(id, out requests!);

        public void MarkScanned(int partition)
        {
            foreach (var request in _all)
            {
                request.Scanned.Add(partition);
            }
        }
    }
}
