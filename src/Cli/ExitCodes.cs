namespace Grid.Cli;

/// <summary>The process exit codes of <c>grid</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command ran and its answer is positive.</summary>
    public const int Ok = 0;

    /// <summary>Not found, or a false answer (a missing key, exists=false, a set whose --nx/--xx condition failed).</summary>
    public const int NotFound = 1;

    /// <summary>A usage error, bad input, a wrong type, or the grid could not be reached.</summary>
    public const int Error = 2;

    /// <summary>Interrupted by Ctrl+C (the shell's convention).</summary>
    public const int Cancelled = 130;
}
