using System.Diagnostics;
using Grid.Client;
using Grid.Fault.Tests.Cluster;
using Grid.Fault.Tests.Measures;
using Grid.Fault.Tests.Reporting;
using Grid.Fault.Tests.Verification;
using Grid.Fault.Tests.Workload;
using Grid.Tests.Shared.Processes;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>
/// Runs one scenario from start to end: a fresh cluster, three clients (writers; readers with the near cache;
/// readers without) that see every silo, the load with the scenario's faults, then — after the load stopped and the
/// cluster settled — the final reads through a fresh client. Every step is bounded; processes die on the way out.
/// </summary>
internal static class FaultRunner
{
    public static async Task<FaultRunResult> RunAsync(FaultScenario scenario, string logDirectory)
    {
        var run = Stopwatch.StartNew();
        var phases = new RunPhases();
        using var pauses = new RuntimePauses();
        using var stalls = new HostStalls();
        using var syncWaits = new SyncTaskWaits();
        await using var cluster = await FaultCluster.StartAsync(scenario.InitialSilos, logDirectory);
        phases.End("cluster");
        var clients = new List<ClientHost>();
        var stopNotes = new List<string>();
        FaultRunResult result;
        try
        {
            var starting = new[] { StartClientAsync(cluster, nearCache: true, "client-writers"), StartClientAsync(cluster, nearCache: true, "client-near-readers"), StartClientAsync(cluster, nearCache: false, "client-direct-readers") };
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                // Each started client is stopped at the end, even when another failed to start.
                clients.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            var (writerClient, nearClient, directClient) = (starting[0].Result, starting[1].Result, starting[2].Result);
            await ClusterWait.WaitForSilosAsync(writerClient.Cache, scenario.InitialSilos, FaultTimings.ClusterStartBound);
            phases.End("clients");

            var load = new FaultLoad($"fault:{scenario.Slug}:{Guid.NewGuid():N}", writerClient.Cache, nearClient.Cache, directClient.Cache);
            var context = new FaultContext(cluster, load);
            await ClusterWarmUp.RunAsync(load, writerClient.Cache, nearClient.Cache, directClient.Cache);
            phases.End("warm-up");
            load.Start();
            try
            {
                await scenario.Inject(context);
                await load.WaitUntilAsync(context.LastActionAt + FaultTimings.LoadAfterLastFault.TotalSeconds);
            }
            finally
            {
                phases.End("load");
                await load.StopAsync();
                phases.End("calls still out when the load stopped");
            }

            await context.WhenWatchesDoneAsync();
            // Read now: the clients' counters as the load left them.
            var nearStatistics = nearClient.Cache.GetStatistics();
            var directStatistics = directClient.Cache.GetStatistics();

            var verifier = await StartClientAsync(cluster, nearCache: false, "client-verifier");
            clients.Add(verifier);
            string settle = await ClusterSettle.WaitAsync(verifier.Cache, cluster.Membership);
            phases.End("verifier client and settle");
            var final = await FinalCheck.RunAsync(verifier.Cache, load);
            phases.End("final reads");
            result = FaultRunSummary.Build(new FaultRunInputs(scenario, load, context, cluster, settle, final, nearStatistics, directStatistics));
        }
        finally
        {
            foreach (var client in clients)
            {
                await StopClientAsync(client, stopNotes);
            }
        }

        phases.End("client stops");
        return result with { Details = [.. result.Details, phases.ToString(), pauses.Describe(), stalls.Describe(), syncWaits.Describe(), .. stopNotes], RunSeconds = run.Elapsed.TotalSeconds };
    }

    /// <summary>Starts a client whose warnings go to <c>{name}.log</c> beside the silos' logs.</summary>
    private static Task<ClientHost> StartClientAsync(FaultCluster cluster, bool nearCache, string name) =>
        ClientHost.StartAsync(
            options =>
            {
                // The product's default client options but for the membership store and, for some clients, the near cache.
                options.Clustering.Redis = cluster.Redis.ConnectionString;
                options.NearCache.Enabled = nearCache;
            },
            Path.Combine(cluster.LogDirectory, name + ".log")).WaitAsync(FaultTimings.ClusterStartBound);

    /// <summary>Stops a client within its bound; one that does not stop is noted (the run's result is already built).</summary>
    private static async Task StopClientAsync(ClientHost client, List<string> notes)
    {
        if (!await client.DisposeAsync().AsTask().CompletedWithinAsync(FaultTimings.ClientStopBound))
        {
            notes.Add($"a client did not stop within {FaultTimings.ClientStopBound.TotalSeconds:0} s");
        }
    }
}
