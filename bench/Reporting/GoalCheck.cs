namespace Grid.Bench.Reporting;

/// <summary>One performance goal of the scale issue, as this run measured it.</summary>
/// <param name="Goal">What must hold, in words (the cells it covers and the bound).</param>
/// <param name="Bound">The bound on the ratio.</param>
/// <param name="AtLeast">True when the ratio must reach the bound (ops/s), false when it must stay under it (p99, CPU, memory).</param>
/// <param name="Ratio">The worst ratio over the cells the goal covers (lowest for at-least goals, highest otherwise); null when this run did not measure them.</param>
/// <param name="Cells">How many cells (or measurements) the ratio covers.</param>
internal sealed record GoalCheck(string Goal, double Bound, bool AtLeast, double? Ratio, int Cells)
{
    /// <summary>Whether the goal is met; null when not measured.</summary>
    public bool? Met => Ratio is { } ratio ? (AtLeast ? ratio >= Bound : ratio <= Bound) : null;

    /// <summary>"met", "not met" or "not measured in this run".</summary>
    public string Verdict => Met switch
    {
        true => "met",
        false => "**not met**",
        null => "not measured in this run",
    };

    /// <summary>The bound as the report prints it: "≥ 2.00×" or "≤ 0.50×".</summary>
    public string BoundText => (AtLeast ? "≥ " : "≤ ") + Fmt.Ratio(Bound);
}
