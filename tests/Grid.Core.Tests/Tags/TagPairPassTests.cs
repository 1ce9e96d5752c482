using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;

namespace Grid.Core.Tests.Tags;

/// <summary>
/// One silo's walk for a rebuilding tag index shard: a partition it asks for is walked from the live primary here, else
/// from the replica here, and also when that replica is promoted to primary while the walk is under way (the replica is
/// dropped as the primary registers, after the walk took its list of live primaries).
/// </summary>
public sealed class TagPairPassTests
{
    private const int Partitions = 8;
    private const int Walking = 1;
    private const int Promoted = 2;

    [Fact]
    public async Task A_replica_promoted_while_the_primaries_are_walked_is_walked_as_the_primary_it_became()
    {
        var time = new HookedTime();
        var clock = new GridClock(time);
        var account = new CountingAccount();
        var primaries = new PartitionStoreRegistry(Partitions);
        var replicas = new ReplicaRegistry(clock);

        var walking = new PartitionStore(Walking, clock, account);
        for (int i = 0; i < 20; i++)
        {
            Set(walking, $"w{i}");
        }

        primaries.Register(walking);

        var source = new PartitionStore(Promoted, clock, account);
        for (int i = 0; i < 5; i++)
        {
            Set(source, $"p{i}");
        }

        replicas.Adopt(Promoted, source.Snapshot());
        var promoted = new PartitionStore(Promoted, clock, account);
        promoted.Restore(source.Snapshot());

        // The first time the walk reads the clock (its first step over the walking primary), the replica is promoted,
        // as PartitionGrain's activation does it: taken over, then registered.
        time.OnceRead = () =>
        {
            primaries.TakeOverFromReplica(Promoted, replicas);
            primaries.Register(promoted);
        };

        var pass = new TagPairPass(buckets: 1, shards: 1, Partitions);
        var wanted = new PartitionSet(Partitions);
        wanted.Add(Walking);
        wanted.Add(Promoted);
        var answer = pass.Add(bucket: 0, shard: 0, wanted);
        await pass.RunAsync(primaries, replicas, step: 4);
        var result = await answer;

        Assert.True(time.Fired);
        Assert.Null(replicas.StoreOf(Promoted));
        Assert.True(result.Scanned.Contains(Walking));
        Assert.True(result.Scanned.Contains(Promoted), "the promoted partition was walked nowhere");
        Assert.Equal(25, result.Pairs);
    }

    private static void Set(PartitionStore store, string key) =>
        store.Execute(new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = [1], Tags = ["t"] });

    /// <summary>A fixed time that runs <see cref="OnceRead"/> the first time it is read after being given it.</summary>
    private sealed class HookedTime : TimeProvider
    {
        private Action? _onceRead;

        public bool Fired { get; private set; }

        public Action? OnceRead
        {
            set => Volatile.Write(ref _onceRead, value);
        }

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Exchange(ref _onceRead, null) is { } hook)
            {
                Fired = true;
                hook();
            }

            return StoreFixture.Start;
        }
    }
}
