namespace Grid.Bench.Load;

/// <summary>How a cell picks keys.</summary>
internal enum KeyDistribution
{
    /// <summary>Every key equally likely.</summary>
    Uniform,

    /// <summary>Zipf with exponent 0.99 (YCSB's default skew): a few keys take most operations.</summary>
    Zipf,
}
