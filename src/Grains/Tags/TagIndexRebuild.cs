using Grid.Grains.Partitions;
using Grid.Resilience;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Tags;

/// <summary>
/// Rebuilds one index shard's sets from the entries (they carry their tags), run by a shard that activates without its
/// sets: its silo crashed, or Orleans deactivated it in place.
/// <para>
/// Why nothing is lost: the shard runs this inside its activation, and Orleans holds every call to the shard until the
/// activation completes, so every index update a pump delivers from now on is applied after the pairs collected here.
/// Each silo walks its stores only after the shard's request arrived, so an entry a walk sees is at least as new as any
/// update recorded before the walk; an update recorded later is delivered to this activation, after the walk's pairs.
/// Updates of one pair reach the shard in the order they were recorded, so the last word on each pair is right.
/// Pairs added for entries that change meanwhile are harmless: invalidation removes with tag-checked removes.
/// </para>
/// <para>
/// What a walk cannot see is a partition that is not live on any silo at the moment each silo takes its snapshot: one
/// between silos (a move, a hand-off), one whose silo died and that is not recovered yet, one promoted from a replica
/// on the very silo being walked. Every silo therefore also reports the partitions it knows exist (ever live there, or
/// replicated there); any known but not walked is asked for again, from its primary or, if it has none, a replica;
/// and if still nowhere, it is activated (which waits for a partition in transit, or recovers it from its replica) and
/// asked for once more. Rounds repeat until every partition known in the first round was walked somewhere after the
/// request (a partition that first appears later was created after the shard activated and holds nothing it needs).
/// </para>
/// <para>
/// Each silo call is bounded by liveness, not by a fixed timeout: a silo that membership declares dead (or that leaves)
/// while the shard waits is dropped, since its partitions are elsewhere now (as replicas, or moved); a live silo that
/// fails is asked again. The whole rebuild is bounded by the caller's token (Grid:Tags:RebuildTimeout).
/// </para>
/// </summary>
internal sealed partial class TagIndexRebuild(ITagPairSource source, int partitionCount, bool replicated, TimeProvider time, ILogger logger)
{
    /// <summary>How often a pending silo call checks that the silo is still a member.</summary>
    internal static readonly TimeSpan LivenessCheck = TimeSpan.FromSeconds(1);

    /// <summary>Pause before asking a live silo again after its call failed.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Rounds after which a rebuild that still finds partitions nowhere gives up (the activation fails and is retried).</summary>
    internal const int MaxRounds = 8;

    private const int MaxActivationsInFlight = 32;

    /// <summary>Collects the pairs of shard <c>{bucket}#{shard}</c> from every silo and hands each silo's frame of additions to <paramref name="apply"/>.</summary>
    public async Task<TagRebuildResult> RunAsync(int bucket, int shard, Action<byte[]> apply, CancellationToken cancellationToken)
    {
        var covered = new PartitionSet(partitionCount);
        var known = new PartitionSet(partitionCount);
        PartitionSet? wanted = null;
        var knownBy = new Dictionary<SiloAddress, PartitionSet>();

        long pairs = 0;
        int silosAsked = 0;
        int activated = 0;
        for (int round = 1; ; round++)
        {
            var silos = source.ActiveSilos();
            var asks = new Task<TagPairsAnswer?>[silos.Length];
            for (int i = 0; i < silos.Length; i++)
            {
                asks[i] = AskAsync(silos[i], bucket, shard, wanted, cancellationToken);
            }

            bool skipped = false;
            var answers = await Task.WhenAll(asks);
            for (int i = 0; i < answers.Length; i++)
            {
                if (answers[i] is not { } answer)
                {
                    skipped = true;
                    continue;
                }

                apply(answer.Updates);
                pairs += answer.Pairs;
                covered.UnionWith(answer.Scanned);
                if (round == 1)
                {
                    // What must be walked is fixed by the first round: a partition that held entries when the shard
                    // activated was then live, replicated or remembered by some silo. Partitions that appear later
                    // (created since) are not chased, or a cluster creating partitions would keep the rounds going.
                    knownBy[silos[i]] = answer.Known;
                    known.UnionWith(answer.Known);
                }
            }

            silosAsked = Math.Max(silosAsked, silos.Length);
            if (skipped && !replicated)
            {
                // A silo left while we asked and nothing replicates its partitions: any of them may be moving to a silo
                // that already answered, so every partition not walked is looked for.
                known.AddAll(partitionCount);
            }

            var missing = known.Except(covered);
            if (missing.IsEmpty)
            {
                return new TagRebuildResult(pairs, round, silosAsked, activated);
            }

            if (round >= MaxRounds)
            {
                throw new GridException($"Tag index shard {TagIndexAddressing.GrainKey(bucket, shard)} found partition(s) {Describe(missing, knownBy)} live on no silo after {round} rounds.");
            }

            LogMissing(logger, TagIndexAddressing.GrainKey(bucket, shard), missing.Count, round);
            if (round >= 2)
            {
                // Neither live nor replicated anywhere when asked: in transit, or never recovered. Bring them to life.
                activated += await ActivateAllAsync(missing, cancellationToken);
            }

            wanted = missing;
        }
    }

    /// <summary>One silo's answer; null when the silo left (its partitions are elsewhere now). Retries a live silo that failed.</summary>
    private async Task<TagPairsAnswer?> AskAsync(SiloAddress silo, int bucket, int shard, PartitionSet? wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var call = source.CollectAsync(silo, bucket, shard, wanted);
            while (!call.IsCompleted)
            {
                await Task.WhenAny(call, Task.Delay(LivenessCheck, time, cancellationToken)).ConfigureAwait(false);
                if (call.IsCompleted)
                {
                    break;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    AbandonedCall.Observe(call);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (!source.IsActive(silo))
                {
                    // A dead silo must not hold the rebuild: whatever it held lives on as replicas or moved elsewhere.
                    AbandonedCall.Observe(call);
                    LogSiloGone(logger, silo);
                    return null;
                }
            }

            try
            {
                return await call.ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!source.IsActive(silo))
                {
                    LogSiloGone(logger, silo);
                    return null;
                }

                LogAskFailed(logger, ex, silo, RetryDelay);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The missing partitions and the silos that know them, for the error that ends a rebuild that cannot find them.</summary>
    private static string Describe(PartitionSet missing, Dictionary<SiloAddress, PartitionSet> knownBy)
    {
        var text = new System.Text.StringBuilder();
        foreach (int partition in missing.Partitions())
        {
            text.Append(text.Length == 0 ? "" : "; ").Append(partition).Append(" (known by");
            foreach (var (silo, known) in knownBy)
            {
                if (known.Contains(partition))
                {
                    text.Append(' ').Append(silo);
                }
            }

            text.Append(')');
        }

        return text.ToString();
    }

    private async Task<int> ActivateAllAsync(PartitionSet partitions, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(MaxActivationsInFlight);
        var calls = new List<Task>(partitions.Count);
        foreach (int partition in partitions.Partitions())
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            calls.Add(ActivateOneAsync(partition, slots, cancellationToken));
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        return calls.Count;
    }

    private async Task ActivateOneAsync(int partition, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await source.ActivateAsync(partition).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tag index shard {Shard}: {Missing} partition(s) were live on no silo when asked (round {Round}); asking again")]
    private static partial void LogMissing(ILogger logger, string shard, int missing, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tag index rebuild: silo {Silo} left while asked; its partitions are found elsewhere")]
    private static partial void LogSiloGone(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tag index rebuild: asking silo {Silo} failed; asking again in {Delay}")]
    private static partial void LogAskFailed(ILogger logger, Exception error, SiloAddress silo, TimeSpan delay);
}
