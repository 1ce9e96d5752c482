namespace Grid;

/// <summary>An increment or decrement would take a 64-bit counter past <see cref="long.MinValue"/> or <see cref="long.MaxValue"/>. The counter was not changed.</summary>
[GenerateSerializer, Alias("grid.GridOverflowException")]
public sealed class GridOverflowException : GridException
{
    /// <summary>Creates the exception.</summary>
    public GridOverflowException(string key, string message) : base(message) => Key = key;

    /// <summary>The counter's key.</summary>
    [Id(0)]
    public string Key { get; }
}
