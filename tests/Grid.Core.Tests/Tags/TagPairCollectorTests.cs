using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Grid.Core.Tests.Tags;

/// <summary>A silo's answers to rebuilding index shards: which pairs, from which stores, and how many walks.</summary>
public sealed class TagPairCollectorTests
{
    private const int Partitions = 8;
    private const int Buckets = 4;
    private const int Shards = 2;

    private readonly GridClock _clock = new(new FakeTimeProvider(StoreFixture.Start));
    private readonly PartitionStoreRegistry _primaries = new(Partitions);
    private readonly ReplicaRegistry _replicas;
    private readonly ManualTaskScheduler _scheduler = new();
    private readonly TagPairCollector _collector;

    public TagPairCollectorTests()
    {
        _replicas = new ReplicaRegistry(_clock);
        var options = new GridSiloOptions { PartitionCount = Partitions };
        options.Tags.IndexBuckets = Buckets;
        options.Tags.IndexShards = Shards;
        options.Tags.ScanBatchSize = 16;
        _collector = new TagPairCollector(_primaries, _replicas, Options.Create(options), NullLogger<TagPairCollector>.Instance, _scheduler);
    }

    [Fact]
    public async Task One_walk_answers_every_shard_that_asked_before_it_began_each_with_exactly_its_pairs()
    {
        var expected = new HashSet<(string Tag, string Key)>();
        for (int p = 0; p < 4; p++)
        {
            var store = Primary(p);
            for (int i = 0; i < 50; i++)
            {
                string key = $"p{p}:{i}";
                string[] tags = i % 5 == 0 ? [] : [$"t{i % 7}", $"u{i % 3}"];
                Set(store, key, tags);
                foreach (var tag in tags)
                {
                    expected.Add((tag, key));
                }
            }
        }

        var asks = new Dictionary<(int Bucket, int Shard), Task<TagPairsAnswer>>();
        for (int bucket = 0; bucket < Buckets; bucket++)
        {
            for (int shard = 0; shard < Shards; shard++)
            {
                asks[(bucket, shard)] = _collector.CollectAsync(bucket, shard, partitions: null);
            }
        }

        _scheduler.RunAll();

        Assert.Equal(1, _collector.Passes);
        var received = new HashSet<(string Tag, string Key)>();
        foreach (var ((bucket, shard), ask) in asks)
        {
            var answer = await ask;
            var pairs = Pairs(answer);
            Assert.Equal(answer.Pairs, pairs.Count);
            Assert.All(pairs, pair =>
            {
                Assert.Equal(bucket, TagIndexAddressing.Bucket(Encoding.UTF8.GetBytes(pair.Tag), Buckets));
                Assert.Equal(shard, TagIndexAddressing.Shard(Encoding.UTF8.GetBytes(pair.Key), Shards));
            });
            received.UnionWith(pairs);
            Assert.Equal([0, 1, 2, 3], answer.Scanned.Partitions());
            Assert.Equal([0, 1, 2, 3], answer.Known.Partitions());
        }

        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task Requests_that_arrive_while_a_walk_runs_wait_for_the_next_walk_which_answers_them_together()
    {
        var store = Primary(0);
        for (int i = 0; i < 200; i++)
        {
            Set(store, $"k{i}", ["t"]);
        }

        var first = _collector.CollectAsync(0, 0, null);
        Assert.True(_scheduler.RunOne());
        Assert.False(first.IsCompleted);

        // The first walk is under way (it yields between steps): these, one per shard grain, join the next one.
        var later = Enumerable.Range(0, Buckets * Shards).Select(i => _collector.CollectAsync(i / Shards, i % Shards, null)).ToArray();
        _scheduler.RunAll();

        Assert.Equal(2, _collector.Passes);
        Assert.True(first.IsCompletedSuccessfully);
        var answers = await Task.WhenAll(later);
        Assert.Equal(200, answers.Sum(a => a.Pairs));
        Assert.Equal((await first).Pairs, answers[0].Pairs);
    }

    [Fact]
    public async Task Asked_for_partitions_a_silo_walks_its_live_primary_or_else_its_replica_and_reports_what_it_knows_exists()
    {
        // Partition 1 was live here and left; partition 2 is only a replica here; partition 3 is live here.
        var left = Primary(1);
        Set(left, "gone", ["t"]);
        _primaries.Unregister(left);
        Replica(2, ("r1", "t"), ("r2", "t"), ("r3", "other"));
        var live = Primary(3);
        Set(live, "here", ["t"]);

        var wanted = new PartitionSet(Partitions);
        wanted.Add(1);
        wanted.Add(2);
        wanted.Add(3);
        var asks = Enumerable.Range(0, Shards).Select(shard => _collector.CollectAsync(Bucket("t"), shard, wanted)).ToArray();
        var unfiltered = _collector.CollectAsync(Bucket("t"), 0, null);
        _scheduler.RunAll();

        var pairs = new HashSet<(string Tag, string Key)>();
        foreach (var ask in asks)
        {
            var answer = await ask;
            pairs.UnionWith(Pairs(answer));
            Assert.Equal([2, 3], answer.Scanned.Partitions());
            Assert.Equal([1, 2, 3], answer.Known.Partitions());
        }

        Assert.Equal(new HashSet<(string, string)> { ("t", "r1"), ("t", "r2"), ("t", "here") }, pairs);

        // A request for every live primary never reads replicas.
        Assert.Equal([3], (await unfiltered).Scanned.Partitions());
    }

    [Fact]
    public async Task A_partition_taken_over_from_its_replica_here_is_known_before_its_store_is_live()
    {
        // Its primary died; the partition is being promoted from the replica on this silo. Between dropping the replica
        // and registering the store it is in neither registry: a shard asking then must still learn that it exists here,
        // or no silo reports it (a crash once cost an invalidation 4 of 5,000 tagged entries this way).
        Replica(4, ("promoted", "t"));
        _primaries.TakeOverFromReplica(4, _replicas);

        var ask = _collector.CollectAsync(Bucket("t"), 0, null);
        _scheduler.RunAll();

        var answer = await ask;
        Assert.Empty(answer.Scanned.Partitions());
        Assert.Equal([4], answer.Known.Partitions());
        Assert.Null(_replicas.StoreOf(4));
    }

    [Fact]
    public async Task A_store_without_tagged_entries_counts_as_walked_without_being_read()
    {
        var store = Primary(5);
        Set(store, "plain", []);
        var ask = _collector.CollectAsync(0, 0, null);
        _scheduler.RunAll();

        var answer = await ask;
        Assert.Equal(0, answer.Pairs);
        Assert.Equal([5], answer.Scanned.Partitions());
    }

    [Fact]
    public async Task A_request_for_a_shard_that_does_not_exist_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _collector.CollectAsync(Buckets, 0, null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _collector.CollectAsync(0, Shards, null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _collector.CollectAsync(-1, 0, null));
        Assert.Equal(0, _collector.Passes);
    }

    private static int Bucket(string tag) => TagIndexAddressing.Bucket(Encoding.UTF8.GetBytes(tag), Buckets);

    private static HashSet<(string Tag, string Key)> Pairs(TagPairsAnswer answer)
    {
        var pairs = new HashSet<(string, string)>();
        var reader = new TagUpdateFrame.Reader(answer.Updates);
        while (reader.TryRead(out byte kind, out var tag, out var key))
        {
            Assert.Equal(TagUpdateFrame.Add, kind);
            pairs.Add((Encoding.UTF8.GetString(tag), Encoding.UTF8.GetString(key)));
        }

        return pairs;
    }

    private PartitionStore Primary(int partition)
    {
        var store = new PartitionStore(partition, _clock, new CountingAccount());
        _primaries.Register(store);
        return store;
    }

    private void Replica(int partition, params (string Key, string Tag)[] entries)
    {
        var scratch = new PartitionStore(partition, _clock, new CountingAccount());
        foreach (var (key, tag) in entries)
        {
            Set(scratch, key, [tag]);
        }

        _replicas.Apply([new ReplicaItem { Kind = ReplicaItemKind.Seed, Partition = partition, Version = 1, Seed = scratch.Snapshot() }]);
    }

    private static void Set(PartitionStore store, string key, string[] tags) =>
        store.Execute(new GridOp { Code = OpCode.Set, Key = StoreFixture.Bytes(key), Value = [1], Tags = tags.Length == 0 ? null : tags });
}
