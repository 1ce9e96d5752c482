using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Cluster;

/// <summary>
/// Asks every other active silo one question about a partition that activates with nothing (how new its replica is, when
/// its snapshot file was written) and collects the answers. A silo that does not answer is never read as "holds
/// nothing" while membership still lists it active: it may hold the newest copy, the only one with the last
/// acknowledged writes (or removals). It is asked again, <see cref="Rounds"/> asks in all, each bounded by the caller's
/// timeout; still silent and active, the asking fails with <see cref="SilentSiloException"/>. A silo that left
/// meanwhile took its copy with it and is not waited for.
/// </summary>
internal static partial class ActiveSiloAsks
{
    /// <summary>
    /// How many times an active silo that does not answer is asked before the activation fails. A frozen or dying silo is
    /// declared dead within the failure detection time (a few seconds), which three asks outlast; then it is not waited for.
    /// </summary>
    public const int Rounds = 3;

    /// <summary>
    /// The answer of every other silo active now (or that answered before it left), asking through <paramref name="ask"/>;
    /// <paramref name="what"/> names what is asked about in logs and the error ("a newer replica").
    /// </summary>
    public static async Task<List<(SiloAddress Silo, long Answer)>> AskAsync(ClusterView view, int partition, string what, Func<SiloAddress, Task<long>> ask, TimeSpan timeout, ILogger logger)
    {
        var answers = new List<(SiloAddress Silo, long Answer)>();
        var unanswered = OtherActiveSilos(view);
        for (int round = 1; unanswered.Count > 0; round++)
        {
            var asks = new List<(SiloAddress Silo, Task<long> Answer)>(unanswered.Count);
            foreach (var silo in unanswered)
            {
                asks.Add((silo, ask(silo).WaitAsync(timeout)));
            }

            unanswered = [];
            Exception? lastError = null;
            foreach (var (silo, pending) in asks)
            {
                try
                {
                    answers.Add((silo, await pending.ConfigureAwait(false)));
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
                {
                    if (view.Current.Contains(silo))
                    {
                        LogSilent(logger, ex, partition, silo, what, round);
                        unanswered.Add(silo);
                        lastError = ex;
                    }
                    else
                    {
                        LogLeft(logger, partition, silo, what);
                    }
                }
            }

            if (unanswered.Count > 0 && round >= Rounds)
            {
                throw new SilentSiloException(
                    $"Partition {partition} did not activate: {string.Join(", ", unanswered)} did not say within {Rounds} × {timeout.TotalSeconds:0.###} s (Grid:Replication:RecoveryTimeout) whether it holds {what}, and is still active.",
                    lastError);
            }
        }

        return answers;
    }

    /// <summary>The silos other than this one that are active now.</summary>
    private static List<SiloAddress> OtherActiveSilos(ClusterView view)
    {
        var local = view.Local;
        var silos = view.Current.Silos;
        var others = new List<SiloAddress>(silos.Length);
        foreach (var silo in silos)
        {
            if (!silo.Equals(local))
            {
                others.Add(silo);
            }
        }

        return others;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: silo {Silo} did not say whether it holds {What} (ask {Round}); it is still active, so it is asked again")]
    private static partial void LogSilent(ILogger logger, Exception error, int partition, SiloAddress silo, string what, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition}: silo {Silo} left the cluster before saying whether it holds {What}; going on without it")]
    private static partial void LogLeft(ILogger logger, int partition, SiloAddress silo, string what);
}
