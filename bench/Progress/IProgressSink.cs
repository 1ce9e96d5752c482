namespace Grid.Bench.Progress;

/// <summary>Where the run reports what it is doing: a live Spectre.Console display, or plain lines.</summary>
internal interface IProgressSink
{
    /// <summary>What is happening now (replaces the previous status).</summary>
    void Status(string text);

    /// <summary>A step finished: advances the progress and prints <paramref name="line"/>.</summary>
    void StepDone(string line);

    /// <summary>Prints a line without advancing.</summary>
    void Note(string line);
}
