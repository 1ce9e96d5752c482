namespace Grid.Bench.Load;

/// <summary>SplitMix64: a tiny, fast, seedable generator, one per loop (no shared state on the measured path).</summary>
internal struct FastRandom(ulong seed)
{
    private const ulong Gamma = 0x9E37_79B9_7F4A_7C15UL;

    private ulong _state = seed;

    /// <summary>
    /// The generator of load loop <paramref name="stream"/>: its seed is the stream number passed through the SplitMix64
    /// finalizer, so loops' states lie far apart on the generator's cycle. (Seeds that are multiples of the increment —
    /// <c>(stream + 1) × Gamma</c> — make every loop replay the same sequence shifted by its index: loop 2 would send
    /// loop 0's keys one operation later.)
    /// </summary>
    public static FastRandom ForStream(int stream) => new(Mix((ulong)stream + 1));

    public ulong NextUInt64() => Mix(_state += Gamma);

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax) => (int)(((NextUInt64() >> 32) * (ulong)(uint)exclusiveMax) >> 32);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
