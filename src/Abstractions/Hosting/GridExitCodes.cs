namespace Grid;

/// <summary>
/// The exit codes of Grid's processes: the silo, the <c>grid</c> command-line tool and the sample app. A process that
/// stops on an error prints one line naming the setting (or the argument) and what to do, never a stack trace.
/// Applications that host the client may use the same codes.
/// </summary>
public static class GridExitCodes
{
    /// <summary>Done: the command ran and its answer is positive, or the process stopped cleanly (Ctrl+C, SIGTERM).</summary>
    public const int Ok = 0;

    /// <summary>The command line tool only: not found, or a false answer (a missing key, field or list; <c>exists</c> false).</summary>
    public const int NotFound = 1;

    /// <summary>
    /// Something to fix before running again: a bad command line or input, a wrong type, an unknown or invalid
    /// setting, settings that do not fit the cluster (partition count, service or cluster id), or a port in use.
    /// </summary>
    public const int Error = 2;

    /// <summary>
    /// What the process needs cannot be reached, or did not answer in time: no silo answers at the gateways, the Redis
    /// membership store is unreachable or refuses the credentials, or the grid is busy. Start it (or wait) and retry.
    /// </summary>
    public const int Unavailable = 3;

    /// <summary>The command line tool only: interrupted by Ctrl+C (the shell's convention, 128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
