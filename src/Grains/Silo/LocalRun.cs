namespace Grid.Grains.Silo;

/// <summary>What <see cref="LocalOpRunner.RunAsync"/> ran: encoded results back to back, and per op its range in them.</summary>
/// <param name="Results">The results of the ops that ran, each as a result frame encodes one.</param>
/// <param name="Ranges">Per op, two entries: [start, end) of its result in <paramref name="Results"/>; -1, -1 when it did not run here.</param>
public readonly record struct LocalRun(byte[] Results, int[] Ranges)
{
    /// <summary>Whether op <paramref name="index"/> ran here.</summary>
    public bool Ran(int index) => Ranges[2 * index] >= 0;

    /// <summary>The encoded result of op <paramref name="index"/> (which ran).</summary>
    public ReadOnlySpan<byte> ResultOf(int index) => Results.AsSpan(Ranges[2 * index], Ranges[(2 * index) + 1] - Ranges[2 * index]);
}
