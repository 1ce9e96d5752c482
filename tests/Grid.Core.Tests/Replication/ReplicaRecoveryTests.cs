using System.Net;
using Grid.Core.Tests.Support;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Partitions;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Core.Tests.Replication;

/// <summary>
/// A partition activating after its silo died takes the newest replica in the cluster. A silo that does not answer
/// whether it holds one is not taken to hold nothing while it is still active (it may hold the only copy of every
/// acknowledged write): it is asked again, and if it never answers the activation fails (the client sends the ops
/// again; the next activation asks again) rather than come back with older entries or none. A silo that left the
/// cluster meanwhile took its replica with it and is not waited for.
/// </summary>
public sealed class ReplicaRecoveryTests
{
    private const int Partition = 7;
    private static readonly SiloAddress Local = Silo(1);
    private static readonly SiloAddress Holder = Silo(2);
    private static readonly SiloAddress Other = Silo(3);

    [Fact]
    public async Task A_silo_that_misses_its_first_answer_while_active_is_asked_again_and_its_newer_replica_is_taken()
    {
        var membership = new FakeMembership(Local, Holder, Other);
        var holder = new FakeAgent(version: 42) { UnansweredAsks = 1 };
        var recovery = Recovery(membership, silo => silo.Equals(Holder) ? holder : new FakeAgent(version: -1));

        var recovered = await recovery.RecoverAsync(Partition);

        Assert.NotNull(recovered);
        Assert.Equal(42 + ReplicaRecovery.PromotionVersionGap, recovered.Snapshot.Version);
        Assert.Equal([Holder], recovered.Holders);
        Assert.Equal(2, holder.VersionCalls);
    }

    [Fact]
    public async Task A_silo_that_never_answers_while_active_fails_the_recovery_instead_of_starting_without_its_replica()
    {
        var membership = new FakeMembership(Local, Holder, Other);
        var recovery = Recovery(membership, silo => silo.Equals(Holder) ? new FakeAgent(version: 42) { UnansweredAsks = int.MaxValue } : new FakeAgent(version: -1));

        var error = await Assert.ThrowsAsync<SilentSiloException>(() => recovery.RecoverAsync(Partition));

        Assert.Contains(Holder.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains($"Partition {Partition}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_that_left_the_cluster_without_answering_is_not_waited_for()
    {
        var membership = new FakeMembership(Local, Holder, Other);
        var holder = new FakeAgent(version: 42) { UnansweredAsks = int.MaxValue, OnAsk = () => membership.Remove(Holder) };
        var recovery = Recovery(membership, silo => silo.Equals(Holder) ? holder : new FakeAgent(version: 9));

        var recovered = await recovery.RecoverAsync(Partition);

        Assert.NotNull(recovered);
        Assert.Equal(9 + ReplicaRecovery.PromotionVersionGap, recovered.Snapshot.Version);
        Assert.Equal([Other], recovered.Holders);
        Assert.Equal(1, holder.VersionCalls);
    }

    [Fact]
    public async Task No_replica_anywhere_is_no_recovery()
    {
        var membership = new FakeMembership(Local, Holder, Other);
        var recovery = Recovery(membership, _ => new FakeAgent(version: -1));

        Assert.Null(await recovery.RecoverAsync(Partition));
    }

    [Fact]
    public async Task Without_replicas_a_copy_parked_on_another_silo_is_found()
    {
        // A hand-off copy (a stopping silo's, or a former primary's) or entries parked by a deactivation in place can sit
        // on any silo; the activation that needs them may be on another. Before, with Replicas = 0 only this silo was
        // looked at, and a partition whose migration Orleans dropped came back empty.
        var membership = new FakeMembership(Local, Holder, Other);
        var recovery = Recovery(membership, silo => silo.Equals(Holder) ? new FakeAgent(version: 42) : new FakeAgent(version: -1), replicas: 0);

        var recovered = await recovery.RecoverAsync(Partition);

        Assert.NotNull(recovered);
        Assert.Equal(42 + ReplicaRecovery.PromotionVersionGap, recovered.Snapshot.Version);
        Assert.Equal([Holder], recovered.Holders);
    }

    private static ReplicaRecovery Recovery(FakeMembership membership, Func<SiloAddress, ISiloAgentGrain> agentOf, int replicas = 1)
    {
        var options = Options.Create(new GridSiloOptions { Replication = { RecoveryTimeout = TimeSpan.FromMilliseconds(200), Replicas = replicas } });
        var view = new ClusterView(membership, membership);
        return new ReplicaRecovery(
            options,
            new ReplicaRegistry(GridClock.System),
            view,
            new ReplicaVersionAsks(agentOf, options.Value.Replication.RecoveryTimeout),
            agentOf,
            NullLogger<ReplicaRecovery>.Instance);
    }

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11120 + n), n);

    /// <summary>An agent holding a replica of <see cref="Partition"/> at <c>version</c> (-1: none); its first asks may go unanswered.</summary>
    private sealed class FakeAgent(long version) : ISiloAgentGrain
    {
        private int _versionCalls;

        public int UnansweredAsks { get; init; }

        public Action? OnAsk { get; init; }

        public int VersionCalls => Volatile.Read(ref _versionCalls);

        public Task<long[]> GetReplicaVersions(int[] partitions)
        {
            int call = Interlocked.Increment(ref _versionCalls);
            OnAsk?.Invoke();
            if (call <= UnansweredAsks)
            {
                return new TaskCompletionSource<long[]>().Task;
            }

            var answers = new long[partitions.Length];
            Array.Fill(answers, version);
            return Task.FromResult(answers);
        }

        public Task<StoreSnapshot?> GetReplica(int partition) => Task.FromResult<StoreSnapshot?>(new StoreSnapshot { Version = version });

        public Task<long> GetReplicaVersion(int partition) => throw new NotSupportedException();

        public Task<SiloLoad> GetLoad() => throw new NotSupportedException();

        public Task<int[]> Replicate(byte[] frame) => throw new NotSupportedException();

        public Task<bool> Park(int partition, StoreSnapshot snapshot) => throw new NotSupportedException();

        public Task<TagPairsAnswer> CollectTagPairs(int bucket, int shard, PartitionSet? partitions) => throw new NotSupportedException();

        public Task<GridRebalanceProgress> GetRebalanceProgress() => throw new NotSupportedException();

        public Task<GridRebalanceSettings> GetRebalanceSettings() => throw new NotSupportedException();

        public Task<GridRebalanceSettings> ApplyRebalanceSettings(GridRebalanceSettings settings) => throw new NotSupportedException();
    }
}
