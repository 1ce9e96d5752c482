using System.Net;
using Grid.Core.Tests.Support;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Grid.Grains.Persistence;
using Grid.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Core.Tests.Persistence;

/// <summary>
/// Warm restart takes the newest snapshot file of a partition among the active silos. A silo that does not say when its
/// file was written is not skipped while it is still active (its file may be the newest: an older one would bring back
/// entries removed since): it is asked again, and if it stays silent the activation fails; one that left is not waited for.
/// </summary>
public sealed class SnapshotRecoveryTests : IDisposable
{
    private const int PartitionCount = 1024;
    private const int Partition = 5;
    private static readonly SiloAddress Local = Silo(1);
    private static readonly SiloAddress Peer = Silo(2);

    private readonly string _localDirectory = Directory.CreateTempSubdirectory("grid-recovery-local-").FullName;
    private readonly string _peerDirectory = Directory.CreateTempSubdirectory("grid-recovery-peer-").FullName;

    public void Dispose()
    {
        DeleteOnceWritten(_localDirectory);
        DeleteOnceWritten(_peerDirectory);
    }

    /// <summary>
    /// Deletes a test directory. A partition restored from another silo's file writes its own copy soon, in the
    /// background (<see cref="PartitionSnapshots.WriteSoon"/>), which may still be creating its file as the test ends:
    /// deleting then fails with "Directory not empty" (seen once in CI), so the deletion is tried again until that write
    /// is done, within a bound.
    /// </summary>
    private static void DeleteOnceWritten(string directory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    [Fact]
    public async Task A_peer_that_misses_its_first_answer_while_active_is_asked_again_and_its_newer_file_is_loaded()
    {
        var peer = await FilesAsync(unansweredAsks: 1);
        var restored = new StoreFixture(Partition);

        Assert.True(await Recovery(new FakeMembership(Local, Local, Peer), peer).RestoreAsync(restored.Store));

        Assert.Equal("kept", restored.GetString("kept"));
        Assert.Null(restored.GetString("removed-since"));
        Assert.Equal(2, peer.WrittenAtCalls);
    }

    [Fact]
    public async Task A_peer_that_never_answers_while_active_fails_the_restore_instead_of_loading_an_older_file()
    {
        var peer = await FilesAsync(unansweredAsks: int.MaxValue);

        var error = await Assert.ThrowsAsync<SilentSiloException>(() => Recovery(new FakeMembership(Local, Local, Peer), peer).RestoreAsync(new StoreFixture(Partition).Store));

        Assert.Contains(Peer.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_that_left_without_answering_is_not_waited_for()
    {
        var membership = new FakeMembership(Local, Local, Peer);
        var peer = await FilesAsync(unansweredAsks: int.MaxValue);
        peer.OnAsk = () => membership.Remove(Peer);
        var restored = new StoreFixture(Partition);

        Assert.True(await Recovery(membership, peer).RestoreAsync(restored.Store));

        Assert.Equal("this silo's older file", restored.GetString("removed-since"));
    }

    /// <summary>This silo's file (older, with an entry removed since) and the peer's newer file, served by the returned fake.</summary>
    private async Task<FakePeer> FilesAsync(int unansweredAsks)
    {
        var older = new StoreFixture(Partition);
        older.Set("kept", "kept");
        older.Set("removed-since", "this silo's older file");
        await Snapshots(_localDirectory, older).WriteAsync(older.Store);

        var newer = new StoreFixture(Partition);
        newer.Advance(60_000);
        newer.Set("kept", "kept");
        var peerFiles = Snapshots(_peerDirectory, newer);
        await peerFiles.WriteAsync(newer.Store);
        var file = peerFiles.TryLoad(Partition, out byte[]? bytes)!;
        return new FakePeer(file.WrittenAtMs, bytes!) { UnansweredAsks = unansweredAsks };
    }

    private SnapshotRecovery Recovery(FakeMembership membership, FakePeer peer)
    {
        var options = Options.Create(new GridSiloOptions { Replication = { RecoveryTimeout = TimeSpan.FromMilliseconds(200) } });
        var local = Snapshots(_localDirectory, new StoreFixture(Partition));
        return new SnapshotRecovery(local, new ClusterView(membership, membership), _ => peer, options, NullLogger<SnapshotRecovery>.Instance);
    }

    private static PartitionSnapshots Snapshots(string directory, StoreFixture f) =>
        new(new GridPersistenceOptions { Enabled = true, Directory = directory }, PartitionCount, f.Clock, NullLogger.Instance);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11130 + n), n);

    /// <summary>A silo whose file of <see cref="Partition"/> was written at <c>writtenAt</c>; its first asks may go unanswered.</summary>
    private sealed class FakePeer(long writtenAt, byte[] file) : ISnapshotPeerGrain
    {
        private int _writtenAtCalls;

        public int UnansweredAsks { get; init; }

        public Action? OnAsk { get; set; }

        public int WrittenAtCalls => Volatile.Read(ref _writtenAtCalls);

        public Task<long> GetWrittenAt(int partition)
        {
            int call = Interlocked.Increment(ref _writtenAtCalls);
            OnAsk?.Invoke();
            return call <= UnansweredAsks ? new TaskCompletionSource<long>().Task : Task.FromResult(writtenAt);
        }

        public Task<byte[]?> GetFile(int partition) => Task.FromResult<byte[]?>(file);
    }
}
