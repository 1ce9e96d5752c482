namespace Grid.Cli;

/// <summary>The command line is wrong in a way the parser cannot see (for example conflicting options or a bad environment variable); exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
