namespace Grid.Fault.Tests.Scenarios;

/// <summary>
/// One fault-injection scenario: how many silos the cluster starts with, what the script does to it during the load
/// (the first action at <see cref="FaultTimings.FaultAt"/>), and whether callers may see errors (only when two silos die).
/// </summary>
internal sealed record FaultScenario(string Name, string Slug, int InitialSilos, bool ErrorsAllowed, Func<FaultContext, Task> Inject)
{
    public static FaultScenario KillOne { get; } = new("kill -9 one silo", "kill", 3, ErrorsAllowed: false, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        await context.KillAsync(context.Silos[1]);
    });

    public static FaultScenario TerminateOne { get; } = new("SIGTERM one silo", "sigterm", 3, ErrorsAllowed: false, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        context.Terminate(context.Silos[1]);
    });

    public static FaultScenario Join { get; } = new("a 4th silo joins", "join", 3, ErrorsAllowed: false, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        await context.JoinAsync();
    });

    public static FaultScenario FreezeOne { get; } = new("SIGSTOP one silo 8 s", "sigstop", 3, ErrorsAllowed: false, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        await context.FreezeAsync(context.Silos[1], FaultTimings.FreezeFor);
    });

    /// <summary>Four silos, so two remain and still hold a primary and a replica of every partition.</summary>
    public static FaultScenario TwoKills { get; } = new("two kills 15 s apart (4 silos)", "double-kill", 4, ErrorsAllowed: true, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        await context.KillAsync(context.Silos[1]);
        await context.WaitUntilAsync(FaultTimings.FaultAt + FaultTimings.BetweenKills);
        await context.KillAsync(context.Silos[2]);
    });

    /// <summary>The kill lands while partitions move to the new silo; the killed one is an original silo.</summary>
    public static FaultScenario JoinThenKill { get; } = new("join, then kill -9 2 s later", "join-kill", 3, ErrorsAllowed: false, async context =>
    {
        await context.WaitUntilAsync(FaultTimings.FaultAt);
        await context.JoinAsync();
        await context.WaitForAsync(FaultTimings.KillAfterJoin);
        await context.KillAsync(context.Silos[1]);
    });
}
