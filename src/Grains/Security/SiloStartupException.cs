namespace Grid.Grains.Hosting;

/// <summary>The silo cannot start; the message says why (and never holds a secret). The silo process exits with code 3.</summary>
public sealed class SiloStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiloStartupException(string message, Exception? innerException = null) : base(message, innerException) { }
}
