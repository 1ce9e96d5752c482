using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Routing;

/// <summary>
/// Everything a client sends to one silo. The silo runs data-plane batches on several entry activations (its
/// <see cref="GridClusterInfo.DataPlaneShards"/>, by default one per core), so the channel keeps one
/// <see cref="EntryLane"/> per activation and sends each operation on the lane of its partition (partition mod lanes):
/// operations of one partition keep their order, and a slow batch on one lane does not hold up the others.
/// Statistics, analytics and cluster information go to the silo's control activation (<see cref="Entry"/>), off the
/// data path. The channel also holds what the near cache knows of this silo (tracking slot, hub epoch).
/// </summary>
internal sealed class SiloChannel
{
    private readonly Func<int, ISiloEntryGrain> _entryOf;
    private readonly IBatchListener _listener;
    private readonly int _maxBatch;
    private readonly int _maxInFlight;
    private readonly RequestSequencer? _requests;
    private EntryLane[]? _lanes;

    /// <param name="silo">The silo.</param>
    /// <param name="entryOf">The silo's entry activation by shard: 0 the control activation, 1..N the data-plane lanes.</param>
    /// <param name="listener">The router.</param>
    /// <param name="maxBatch">Operations per batch at most.</param>
    /// <param name="maxInFlight">Batch calls under way per lane at most.</param>
    /// <param name="requests">Request ids and origin for writes (null in tests that do not need them).</param>
    public SiloChannel(SiloAddress silo, Func<int, ISiloEntryGrain> entryOf, IBatchListener listener, int maxBatch, int maxInFlight, RequestSequencer? requests = null)
    {
        Silo = silo;
        _entryOf = entryOf;
        _listener = listener;
        _maxBatch = maxBatch;
        _maxInFlight = maxInFlight;
        _requests = requests;
        Entry = entryOf(0);
    }

    /// <summary>A channel whose control activation and every lane are <paramref name="entry"/> (tests).</summary>
    public SiloChannel(SiloAddress silo, ISiloEntryGrain entry, IBatchListener listener, int maxBatch, int maxInFlight, RequestSequencer? requests = null)
        : this(silo, _ => entry, listener, maxBatch, maxInFlight, requests)
    {
    }

    public SiloAddress Silo { get; }

    /// <summary>The silo's control activation: cluster information, statistics, analytics.</summary>
    public ISiloEntryGrain Entry { get; }

    /// <summary>This client's near-cache tracking slot on the silo (-1: reads from it are not kept in the near cache).</summary>
    public int TrackingSlot { get; set; } = -1;

    /// <summary>The epoch of the silo's near-cache hub when this client subscribed.</summary>
    public long NearCacheEpoch { get; set; }

    /// <summary>The silo was seen shutting down (not crashing) before it left: it answers what it accepted.</summary>
    public bool LeftGracefully { get; set; }

    /// <summary>The lanes, one per data-plane entry activation of the silo (made at the first send).</summary>
    internal EntryLane[] Lanes => Volatile.Read(ref _lanes) ?? CreateLanes();

    /// <summary>
    /// The lanes made so far (none before the first send): what the watchdog walks, so that its early passes do not make
    /// the lanes before the cluster told the client how many the silo has.
    /// </summary>
    private EntryLane[] ExistingLanes => Volatile.Read(ref _lanes) ?? [];

    /// <summary>Fences the operations of partitions the new routing (<paramref name="byPartition"/>) sends elsewhere (<see cref="EntryLane.FenceMoved"/>).</summary>
    public void FenceMoved(SiloChannel[] byPartition)
    {
        foreach (var lane in ExistingLanes)
        {
            lane.FenceMoved(byPartition);
        }
    }

    /// <summary>Drains every lane's queue again (<see cref="EntryLane.Kick"/>).</summary>
    public void Kick()
    {
        foreach (var lane in ExistingLanes)
        {
            lane.Kick();
        }
    }

    /// <summary>Batch calls under way, on all lanes.</summary>
    public int InFlightCount
    {
        get
        {
            int count = 0;
            foreach (var lane in ExistingLanes)
            {
                count += lane.InFlightCount;
            }

            return count;
        }
    }

    public void Enqueue(PendingOp op)
    {
        var lanes = Lanes;
        lanes[lanes.Length == 1 ? 0 : op.Partition % lanes.Length].Enqueue(op);
    }

    public void EnqueueRange(List<PendingOp> ops)
    {
        var lanes = Lanes;
        if (lanes.Length == 1)
        {
            lanes[0].EnqueueRange(ops);
            return;
        }

        // Per lane, in the callers' order (so per partition too).
        var byLane = new List<PendingOp>?[lanes.Length];
        foreach (var op in ops)
        {
            (byLane[op.Partition % lanes.Length] ??= []).Add(op);
        }

        for (int i = 0; i < byLane.Length; i++)
        {
            if (byLane[i] is { } laneOps)
            {
                lanes[i].EnqueueRange(laneOps);
            }
        }
    }

    /// <inheritdoc cref="EntryLane.Retire"/>
    public void Retire()
    {
        // Makes the lanes if none were: a retired channel must refuse later sends, which go through its lanes.
        foreach (var lane in Lanes)
        {
            lane.Retire();
        }
    }

    /// <inheritdoc cref="EntryLane.AbandonSentBefore"/>
    public void AbandonSentBefore(long sentBefore, Exception reason)
    {
        foreach (var lane in ExistingLanes)
        {
            lane.AbandonSentBefore(sentBefore, reason);
        }
    }

    /// <inheritdoc cref="EntryLane.CheckDeadlines"/>
    public void CheckDeadlines(long now, long batchTimeout)
    {
        foreach (var lane in ExistingLanes)
        {
            lane.CheckDeadlines(now, batchTimeout);
        }
    }

    /// <inheritdoc cref="EntryLane.RescueStalled"/>
    public void RescueStalled(long now, int checks)
    {
        foreach (var lane in ExistingLanes)
        {
            lane.RescueStalled(now, checks);
        }
    }

    private EntryLane[] CreateLanes()
    {
        int count = Math.Clamp(_listener.DataPlaneShards, 1, GridClusterInfo.MaxDataPlaneShards);
        var lanes = new EntryLane[count];
        for (int i = 0; i < count; i++)
        {
            lanes[i] = new EntryLane(this, _entryOf(i + 1), _listener, _maxBatch, _maxInFlight, _requests);
        }

        return Interlocked.CompareExchange(ref _lanes, lanes, null) ?? lanes;
    }
}
