using Spectre.Console;

namespace Grid.Bench.Progress;

/// <summary>Runs the benchmark body under a Spectre.Console progress display, or with plain lines when output is redirected.</summary>
internal static class ProgressHost
{
    public static bool IsInteractive(bool forcePlain) =>
        !forcePlain && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task RunAsync(bool forcePlain, int totalSteps, Func<IProgressSink, Task> body)
    {
        if (!IsInteractive(forcePlain))
        {
            await body(new PlainProgress(totalSteps));
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: Math.Max(1, totalSteps));
                await body(new SpectreProgress(task));
                task.Description = "done";
                task.Value = task.MaxValue;
            });
    }
}
