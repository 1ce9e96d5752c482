namespace Grid.Bench.Reporting;

/// <summary>One performance goal of the scale issue, as this run measured it.</summary>
/// <param name="Goal">What must hold, in words (the cells it covers and the bound).</param>
/// <param name="Bound">The bound on the ratio.</param>
/// <param name="AtLeast">True when the ratio must reach the bound (ops/s), false when it must stay under it (p99, CPU, memory).</param>
/// <param name="Ratio">The worst ratio over the cells the goal covers (lowest for at-least goals, highest otherwise); null when this run did not measure them.</param>
/// <param name="Cells">How many cells (or measurements) the ratio covers.</param>
/// <param name="Why">The anchor of the section of <c>docs/bench/misses.md</c> (<see cref="MissesFile"/>) that explains,
/// with a profile, why this machine misses the goal; null when there is none.</param>
internal sealed record GoalCheck(string Goal, double Bound, bool AtLeast, double? Ratio, int Cells, string? Why = null)
{
    /// <summary>The file, in <c>docs/bench</c> and copied beside every report, that explains the missed goals.</summary>
    public const string MissesFile = "misses.md";

    /// <summary>Whether the goal is met; null when not measured.</summary>
    public bool? Met => Ratio is { } ratio ? (AtLeast ? ratio >= Bound : ratio <= Bound) : null;

    /// <summary>"met", "not met" or "not measured in this run".</summary>
    public string Verdict => Met switch
    {
        true => "met",
        false => "**not met**",
        null => "not measured in this run",
    };

    /// <summary>For a missed goal with an explanation, a link to it (relative to the report); otherwise "–".</summary>
    public string WhyLink => Met == false && Why is not null ? $"[profile]({MissesFile}#{Why})" : "–";

    /// <summary>The bound as the report prints it: "≥ 2.00×" or "≤ 0.50×".</summary>
    public string BoundText => (AtLeast ? "≥ " : "≤ ") + Fmt.Ratio(Bound);
}
