namespace Grid;

/// <summary>A client's configuration does not fit the cluster it connects to (for example a different partition count); the client refuses to work.</summary>
public sealed class GridConfigurationException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridConfigurationException(string message) : base(message) { }
}
