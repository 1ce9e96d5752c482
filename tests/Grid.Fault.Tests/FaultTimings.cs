namespace Grid.Fault.Tests;

/// <summary>The shape and bounds of one fault-injection run (not goals: those are in <see cref="FaultGoals"/>).</summary>
internal static class FaultTimings
{
    /// <summary>Writers; each owns <see cref="KeysPerWriter"/> keys, one counter and one list.</summary>
    public const int Writers = 8;

    public const int KeysPerWriter = 50;

    /// <summary>Readers on a client with the near cache on (the default client options).</summary>
    public const int NearCacheReaders = 4;

    /// <summary>Readers on a client with <c>NearCache:Enabled=false</c>.</summary>
    public const int DirectReaders = 4;

    /// <summary>When the first fault is injected, counted from the start of the load.</summary>
    public static readonly TimeSpan FaultAt = TimeSpan.FromSeconds(8);

    /// <summary>The load goes on this long after the last fault action, then stops.</summary>
    public static readonly TimeSpan LoadAfterLastFault = TimeSpan.FromSeconds(12);

    /// <summary>The baseline throughput is measured from here (warm-up excluded) to the first fault action.</summary>
    public static readonly TimeSpan BaselineFrom = TimeSpan.FromSeconds(3);

    /// <summary>Completed operations are counted per bucket of this length.</summary>
    public static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(250);

    /// <summary>A dip in throughput that starts within this time after a fault is the fault's; later dips are noise of a shared machine.</summary>
    public static readonly TimeSpan DipSearch = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Bound of every client call the load makes: a call still running after it counts as a stall (a caller-visible
    /// error) and is abandoned, so a hang in the product shows in the report instead of hanging the test.
    /// </summary>
    public static readonly TimeSpan OperationBound = TimeSpan.FromSeconds(60);

    /// <summary>Bound of each settle and verification call after the load; they are retried until <see cref="VerifyBound"/>.</summary>
    public static readonly TimeSpan CheckCallBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Each writer and near-cache-off reader sends one call per period (40/s): the cluster is loaded but not saturated,
    /// so a healthy cluster serves the offered rate, a fault shows as a drop below it, and a new silo process can
    /// start. A closed loop on this 2-core machine starved every process and made throughput noise.
    /// </summary>
    public static readonly TimeSpan CallPeriod = TimeSpan.FromMilliseconds(25);

    /// <summary>Near-cache readers read more often (200/s each): their hits cost no round trip, and staleness is caught sooner.</summary>
    public static readonly TimeSpan NearReadPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>How long SIGSTOP freezes a silo before SIGCONT.</summary>
    public static readonly TimeSpan FreezeFor = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan BetweenKills = TimeSpan.FromSeconds(15);

    /// <summary>In the join-then-kill scenario, the kill comes this long after the new silo reported ready.</summary>
    public static readonly TimeSpan KillAfterJoin = TimeSpan.FromSeconds(2);

    /// <summary>Bound of starting the cluster (redis, silos, clients) and of the partitions spreading before the load.</summary>
    public static readonly TimeSpan ClusterStartBound = TimeSpan.FromSeconds(90);

    /// <summary>How long the cluster may take to settle (same silos and partition counts over consecutive polls) after the load.</summary>
    public static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(30);

    /// <summary>How long the final reads may be retried until they all succeed.</summary>
    public static readonly TimeSpan VerifyBound = TimeSpan.FromSeconds(45);

    /// <summary>Bound of stopping one client host at the end.</summary>
    public static readonly TimeSpan ClientStopBound = TimeSpan.FromSeconds(15);

    /// <summary>How often the membership table in Redis is read to time when a silo is declared dead.</summary>
    public static readonly TimeSpan MembershipPoll = TimeSpan.FromMilliseconds(200);
}
