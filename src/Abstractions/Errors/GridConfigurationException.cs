namespace Grid;

/// <summary>
/// A setting is wrong: unknown (a typo), invalid, or not fitting the cluster the client connects to (for example a
/// different partition count). The message names the setting and what to do; nothing was started with it.
/// </summary>
[GenerateSerializer, Alias("grid.GridConfigurationException")]
public sealed class GridConfigurationException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause (for example the binder's or a validator's error).</summary>
    public GridConfigurationException(string message, Exception? innerException) : base(message, innerException) { }
}
