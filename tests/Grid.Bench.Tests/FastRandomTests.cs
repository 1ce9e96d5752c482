using Grid.Bench.Load;

namespace Grid.Bench.Tests;

/// <summary>The load loops' generators: each loop must draw its own keys, not another loop's a few operations later.</summary>
public sealed class FastRandomTests
{
    [Fact]
    public void Loop_streams_share_no_values()
    {
        const int Streams = 256;
        const int Draws = 2_000;
        var seen = new HashSet<ulong>(Streams * Draws);
        for (int stream = 0; stream < Streams; stream++)
        {
            var random = FastRandom.ForStream(stream);
            for (int i = 0; i < Draws; i++)
            {
                ulong value = random.NextUInt64();
                Assert.True(seen.Add(value), $"Stream {stream} repeats a value another stream drew (draw {i}): the loops' sequences overlap.");
            }
        }
    }

    [Fact]
    public void Same_stream_is_reproducible()
    {
        var a = FastRandom.ForStream(7);
        var b = FastRandom.ForStream(7);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }
}
