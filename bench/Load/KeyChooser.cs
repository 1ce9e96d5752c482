namespace Grid.Bench.Load;

/// <summary>Picks key indexes in [0, count): uniformly, or Zipf(θ) by the YCSB generator (Gray et al., "Quickly generating billion-record synthetic databases").</summary>
internal sealed class KeyChooser
{
    public const double ZipfTheta = 0.99;

    private readonly int _count;
    private readonly bool _zipf;
    private readonly double _alpha;
    private readonly double _zetaN;
    private readonly double _eta;
    private readonly double _halfPowTheta;

    private KeyChooser(int count, bool zipf, double zetaN)
    {
        _count = count;
        _zipf = zipf;
        if (zipf)
        {
            double zeta2 = 1 + Math.Pow(0.5, ZipfTheta);
            _zetaN = zetaN;
            _alpha = 1 / (1 - ZipfTheta);
            _eta = (1 - Math.Pow(2.0 / count, 1 - ZipfTheta)) / (1 - (zeta2 / zetaN));
            _halfPowTheta = 1 + Math.Pow(0.5, ZipfTheta);
        }
    }

    public static KeyChooser Create(KeyDistribution distribution, int count) => distribution switch
    {
        KeyDistribution.Uniform => new KeyChooser(count, zipf: false, 0),
        KeyDistribution.Zipf => new KeyChooser(count, zipf: true, Zeta(count, ZipfTheta)),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };

    /// <summary>The next key index; rank 0 is the hottest key under Zipf.</summary>
    public int Next(ref FastRandom random)
    {
        if (!_zipf)
        {
            return random.NextInt(_count);
        }

        double u = random.NextDouble();
        double uz = u * _zetaN;
        if (uz < 1)
        {
            return 0;
        }

        if (uz < _halfPowTheta)
        {
            return 1;
        }

        int index = (int)(_count * Math.Pow((_eta * u) - _eta + 1, _alpha));
        return index < _count ? index : _count - 1;
    }

    private static double Zeta(int n, double theta)
    {
        double sum = 0;
        for (int i = 1; i <= n; i++)
        {
            sum += 1 / Math.Pow(i, theta);
        }

        return sum;
    }
}
