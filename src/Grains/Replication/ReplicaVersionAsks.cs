using System.Collections.Concurrent;
using Grid.Grains.Cluster;
using Grid.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Grid.Grains.Replication;

/// <summary>
/// Asks other silos for the version of their replica of an activating partition, coalesced per silo: the first ask to a
/// silo leaves at once as one <see cref="ISiloAgentGrain.GetReplicaVersions"/> call; asks made while it is under way
/// queue and leave together, as the next call, when it returns (natural batching, no timers).
/// <para>
/// Why: a cold cluster activates all of its partitions within a second or two, and each activation asks every other
/// silo (<see cref="ReplicaRecovery"/>). One call per partition per silo made that about 2,000 grain calls for 1,024
/// partitions on three silos before the first write could run; coalesced, each silo answers a few calls, each read
/// from its <see cref="ReplicaRegistry"/> under one lock. The answer to each ask is what the per-partition call
/// answered, read no earlier than the ask was made, so recovery decides exactly as before.
/// </para>
/// <para>
/// Every call is bounded by <see cref="GridReplicationOptions.RecoveryTimeout"/> (a lost call cannot hold a silo's
/// later asks). A call that fails for another reason than its bound (a silo of an earlier release does not know the
/// coalesced call) is asked again one partition at a time, as before.
/// </para>
/// </summary>
internal sealed partial class ReplicaVersionAsks
{
    // One lane per silo ever asked: a few hundred bytes each, so silos that left are not worth pruning.
    private readonly ConcurrentDictionary<SiloAddress, Lane> _lanes = new();
    private readonly Func<SiloAddress, ISiloAgentGrain> _agentOf;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private long _asks;
    private long _calls;

    public ReplicaVersionAsks(IGrainFactory grains, IOptions<GridSiloOptions> options, ILogger<ReplicaVersionAsks> logger)
        : this(silo => grains.GetGrain<ISiloAgentGrain>(silo.ToParsableString()), options.Value.Replication.RecoveryTimeout, logger)
    {
    }

    /// <summary>Asks through <paramref name="agentOf"/> (tests), each call bounded by <paramref name="timeout"/>.</summary>
    internal ReplicaVersionAsks(Func<SiloAddress, ISiloAgentGrain> agentOf, TimeSpan timeout, ILogger? logger = null)
    {
        _agentOf = agentOf;
        _timeout = timeout;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Asks made so far (diagnostics and tests).</summary>
    public long Asks => Interlocked.Read(ref _asks);

    /// <summary>Agent calls made for them so far (diagnostics and tests).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>
    /// The version of <paramref name="silo"/>'s replica of <paramref name="partition"/> (-1: none); fails as the
    /// agent call failed. The caller bounds its own wait.
    /// </summary>
    public Task<long> AskAsync(SiloAddress silo, int partition)
    {
        var lane = _lanes.GetOrAdd(silo, static (address, agentOf) => new Lane(address, agentOf(address)), _agentOf);
        var ask = new Ask(partition);
        Interlocked.Increment(ref _asks);
        bool start;
        lock (lane.Gate)
        {
            lane.Pending.Add(ask);
            start = !lane.Sending;
            lane.Sending = true;
        }

        if (start)
        {
            // Off the asking activation's scheduler and without its request context or trace: the calls serve many partitions.
            if (ExecutionContext.IsFlowSuppressed())
            {
                _ = Task.Run(() => SendAsync(lane));
            }
            else
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(() => SendAsync(lane));
                }
            }
        }

        return ask.Answer.Task;
    }

    /// <summary>Sends the lane's queued asks, one call at a time, until none is left.</summary>
    private async Task SendAsync(Lane lane)
    {
        while (true)
        {
            List<Ask> batch;
            lock (lane.Gate)
            {
                if (lane.Pending.Count == 0)
                {
                    lane.Sending = false;
                    return;
                }

                batch = lane.Pending;
                lane.Pending = [];
            }

            var partitions = new int[batch.Count];
            for (int i = 0; i < partitions.Length; i++)
            {
                partitions[i] = batch[i].Partition;
            }

            Interlocked.Increment(ref _calls);
            try
            {
                long[] versions = await lane.Agent.GetReplicaVersions(partitions).WaitAsync(_timeout).ConfigureAwait(false);
                if (versions.Length != partitions.Length)
                {
                    throw new InvalidOperationException($"A silo answered {versions.Length} replica versions for {partitions.Length} partitions.");
                }

                for (int i = 0; i < versions.Length; i++)
                {
                    batch[i].Answer.TrySetResult(versions[i]);
                }
            }
            catch (TimeoutException timeout)
            {
                Fail(batch, timeout);
            }
            catch (Exception error)
            {
                LogFallback(_logger, error, lane.Silo, batch.Count);
                _ = AskOneByOneAsync(lane.Agent, batch);
            }
        }
    }

    /// <summary>After a coalesced call failed (not by its bound): each partition asked on its own, as before coalescing.</summary>
    private async Task AskOneByOneAsync(ISiloAgentGrain agent, List<Ask> batch)
    {
        var calls = new Task<long>[batch.Count];
        Interlocked.Add(ref _calls, calls.Length);
        for (int i = 0; i < calls.Length; i++)
        {
            try
            {
                calls[i] = agent.GetReplicaVersion(batch[i].Partition).WaitAsync(_timeout);
            }
            catch (Exception error)
            {
                calls[i] = Task.FromException<long>(error);
            }
        }

        for (int i = 0; i < calls.Length; i++)
        {
            try
            {
                batch[i].Answer.TrySetResult(await calls[i].ConfigureAwait(false));
            }
            catch (Exception error)
            {
                // The error the per-partition call gives, as recovery always saw it.
                batch[i].Answer.TrySetException(error);
            }
        }
    }

    private static void Fail(List<Ask> batch, Exception error)
    {
        foreach (var ask in batch)
        {
            ask.Answer.TrySetException(error);
        }
    }

    /// <summary>One partition's question, and the activation waiting for its answer (never completed inline: it resumes on its own scheduler).</summary>
    private sealed class Ask(int partition)
    {
        public int Partition { get; } = partition;

        public TaskCompletionSource<long> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The asks for one silo: queued ones, and whether a call is under way.</summary>
    private sealed class Lane(SiloAddress silo, ISiloAgentGrain agent)
    {
        public Lock Gate { get; } = new();

        public SiloAddress Silo { get; } = silo;

        public ISiloAgentGrain Agent { get; } = agent;

        /// <summary>Under <see cref="Gate"/>.</summary>
        public List<Ask> Pending { get; set; } = [];

        /// <summary>Under <see cref="Gate"/>: a sender loop runs.</summary>
        public bool Sending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The coalesced replica-version call to silo {Silo} failed; its {Count} partitions are asked one by one instead")]
    private static partial void LogFallback(ILogger logger, Exception error, SiloAddress silo, int count);
}
