using Orleans.Services;

namespace Grid.Protocol;

/// <summary>
/// The data-plane entry of one silo that a client reaches through that silo's own gateway: a grain service (one per
/// silo), addressed by the silo's gateway address, so its batches are never forwarded by another silo's gateway (an
/// entry grain's calls travel through whichever gateway the client's Orleans runtime picked for that grain, on three
/// silos two times in three another silo's, which reads the batch and sends it on). Shard 1 runs on the service
/// itself when the silo has one data-plane shard; otherwise each shard's batches go on to its entry activation on
/// the same silo (<c>{silo}#{shard}</c>), in the order they arrived.
/// </summary>
[Alias("grid.ISiloDirectEntry")]
public interface ISiloDirectEntry : IGrainService
{
    /// <summary>Runs a batch for data-plane <paramref name="shard"/> (1..N), as <see cref="ISiloEntryGrain.Execute"/> does.</summary>
    [Alias("Execute")]
    Task<SiloBatchResult> Execute(byte[] requestFrame, int shard);
}
