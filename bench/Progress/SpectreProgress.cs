using Spectre.Console;

namespace Grid.Bench.Progress;

/// <summary>A live progress bar with the current step; finished steps print above it.</summary>
internal sealed class SpectreProgress(ProgressTask task) : IProgressSink
{
    public void Status(string text) => task.Description = Markup.Escape(Shorten(text));

    public void StepDone(string line)
    {
        AnsiConsole.MarkupLine(Markup.Escape(line));
        task.Increment(1);
    }

    public void Note(string line) => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]");

    private static string Shorten(string text) => text.Length <= 70 ? text : text[..67] + "...";
}
