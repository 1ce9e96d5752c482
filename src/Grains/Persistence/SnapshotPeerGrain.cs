using Grid.Grains.Silo;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Grid.Grains.Persistence;

/// <summary>
/// Serves this silo's snapshot files to a partition activating on another silo (<see cref="SnapshotRecovery"/>).
/// Answers nothing anywhere but on the silo its key names (placement falls back to another silo when that one is
/// gone), so no silo passes another's directory off as its own.
/// </summary>
[Reentrant]
[SiloTargetedPlacement]
internal sealed class SnapshotPeerGrain(PartitionSnapshots snapshots, ILocalSiloDetails silo) : Grain, ISnapshotPeerGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!AtHome)
        {
            // The silo this grain stands for is gone; do not linger here.
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<long> GetWrittenAt(int partition) =>
        Task.FromResult((AtHome && snapshots.TryLoad(partition, out _) is { } file) ? file.WrittenAtMs : -1L);

    public Task<byte[]?> GetFile(int partition) =>
        Task.FromResult((AtHome && snapshots.TryLoad(partition, out byte[]? bytes) is not null) ? bytes : null);

    private bool AtHome => this.GetPrimaryKeyString() == silo.SiloAddress.ToParsableString();
}
