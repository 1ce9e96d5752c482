using Grid.Fault.Tests.Reporting;
using Xunit.Abstractions;

namespace Grid.Fault.Tests.Scenarios;

/// <summary>
/// The fault-injection suite (issue 14): each test is one scenario on a fresh real cluster under load; its row goes
/// to the report (see <see cref="FaultReportFixture"/>) and the test output, and it fails on any missed goal of
/// <see cref="FaultGoals"/>. Run one with <c>--filter "FullyQualifiedName~Kill_9_of_one_silo"</c>.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultScenarioTests(FaultReportFixture report, ITestOutputHelper output)
{
    [Fact]
    public Task Kill_9_of_one_silo() => RunAsync(FaultScenario.KillOne);

    [Fact]
    public Task Sigterm_of_one_silo() => RunAsync(FaultScenario.TerminateOne);

    [Fact]
    public Task A_fourth_silo_joins() => RunAsync(FaultScenario.Join);

    [Fact]
    public Task Sigstop_of_one_silo_for_8_s() => RunAsync(FaultScenario.FreezeOne);

    [Fact]
    public Task Two_kills_15_s_apart() => RunAsync(FaultScenario.TwoKills);

    [Fact]
    public Task A_join_then_a_kill_2_s_later() => RunAsync(FaultScenario.JoinThenKill);

    private async Task RunAsync(FaultScenario scenario)
    {
        string logs = FaultReportFixture.ScenarioDirectory(scenario.Slug);
        FaultRunResult run;
        try
        {
            run = await FaultRunner.RunAsync(scenario, logs);
        }
        catch (Exception ex)
        {
            report.AddFailed(scenario.Name, ex);
            output.WriteLine($"{scenario.Name}: the run failed; silo logs in {logs}");
            throw;
        }

        report.Add(run);
        output.WriteLine(FaultReport.Header);
        output.WriteLine(FaultReport.Row(run));
        output.WriteLine("");
        output.WriteLine(FaultReport.Details(run));

        var failures = FaultRunVerdict.Failures(run);
        if (failures.Count == 0)
        {
            // Logs are kept for failing runs only.
            Directory.Delete(logs, recursive: true);
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(logs, "run.md"), FaultReport.Header + "\n" + FaultReport.Row(run) + "\n\n" + FaultReport.Details(run));
        output.WriteLine($"silo logs in {logs}");
        Assert.Fail($"{scenario.Name}: {failures.Count} goal(s) missed:\n- {string.Join("\n- ", failures)}\n(report: {report.ReportPath})");
    }
}

/// <summary>Fault scenarios start whole clusters: one at a time, sharing the report.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultReportFixture>
{
    public const string Name = "fault-injection";
}
