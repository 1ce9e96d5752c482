using System.Globalization;
using Grid.Grains.Hosting;
using Grid.Grains.Metrics;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>
/// This silo's data-plane entry for clients that reach it through its own gateway (<see cref="ISiloDirectEntry"/>).
/// With one data-plane shard it runs each batch itself, in its turn, as the shard's entry activation would; with more,
/// it hands each batch, in the order it arrived, to that shard's entry activation on this silo, so no single
/// activation carries the data plane.
/// </summary>
internal sealed class SiloDirectEntry : GrainService, ISiloDirectEntry
{
    private readonly SiloBatchExecutor _batches;
    private readonly GridSiloMetrics _metrics;
    private readonly IGrainFactory _grains;
    private readonly string _name;
    private readonly ISiloEntryGrain[]? _shards;

    public SiloDirectEntry(
        GrainId grainId,
        Orleans.Runtime.Silo silo,
        ILoggerFactory loggerFactory,
        SiloBatchExecutor batches,
        GridSiloMetrics metrics,
        IGrainFactory grains,
        ILocalSiloDetails localSilo,
        IOptions<GridSiloOptions> options,
        DirectEntryIdentity identity)
        : base(grainId, silo, loggerFactory)
    {
        _batches = batches;
        _metrics = metrics;
        _grains = grains;
        _name = localSilo.SiloAddress.ToParsableString();
        int shards = options.Value.EffectiveDataPlaneShards;
        if (shards > 1)
        {
            _shards = new ISiloEntryGrain[shards];
            for (int i = 0; i < shards; i++)
            {
                _shards[i] = grains.GetGrain<ISiloEntryGrain>(_name + "#" + (i + 1).ToString(CultureInfo.InvariantCulture));
            }
        }

        identity.GrainType = grainId.Type.ToString();
    }

    public Task<SiloBatchResult> Execute(byte[] requestFrame, int shard)
    {
        _metrics.DirectBatchReceived();
        if (_shards is null)
        {
            return _batches.Execute(requestFrame, tracked: true);
        }

        // A client that counts more shards than this silo runs (it asked another silo) still reaches an entry activation.
        var entry = shard >= 1 && shard <= _shards.Length
            ? _shards[shard - 1]
            : _grains.GetGrain<ISiloEntryGrain>(_name + "#" + shard.ToString(CultureInfo.InvariantCulture));
        return entry.Execute(requestFrame);
    }
}
