// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using Grid.Client;
using System.Text;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Xunit.Abstractions;
using GridOp = grains::Grid.Protocol.GridOp;
using OpFlags = grains::Grid.Protocol.OpFlags;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;

namespace Grid.Cluster.Tests.Security;

/// <summary>
/// Mutated request frames sent straight to the silo's entry grain (no client checks): each is answered with per-op
/// results or refused whole with <see cref="FormatException"/> / <see cref="ArgumentException"/>, and the silo stays
/// healthy and within its memory budget.
/// </summary>
public sealed class FrameFuzzTests(LimitsClusterFixture fixture, ITestOutputHelper output) : IClassFixture<LimitsClusterFixture>
{
    public const int Cases = 2_000;

    [Fact]
    public async Task Mutated_request_frames_are_answered_or_refused_and_the_silo_stays_healthy()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var entry = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(fixture.Cluster.Silos[0].SiloAddress.ToParsableString() + "#0");
        int answered = 0, refused = 0;
        for (int i = 0; i < Cases; i++)
        {
            var frame = Mutate(random, ValidFrame(random, i));
            try
            {
                var answer = await entry.Execute(frame);
                Assert.NotNull(ResultFrame.Decode(answer.ResultFrame));
                answered++;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                refused++;
            }
        }

        Assert.True(fixture.Cluster.Silos[0].IsActive);
        await fixture.Cache.SetStringAsync("fuzz:canary", "alive");
        Assert.Equal("alive", await fixture.Cache.GetStringAsync("fuzz:canary"));
        var stats = (await fixture.Cache.GetSiloStatisticsAsync()).Single();
        Assert.True(stats.Bytes <= stats.BudgetBytes);
        output.WriteLine($"{Cases} frames: {answered} answered, {refused} refused whole");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task A_frame_damaged_after_its_first_writes_is_refused_whole_and_none_of_them_applies(int count)
    {
        // The silo reads the whole frame before running any of it (BatchLookahead): before, the writes ahead of the
        // damage ran (their partitions live on the silo) and then the frame failed, leaving the caller not knowing what
        // had been written. The keys are written first, so their partitions are live and an op would run at once.
        string prefix = $"whole:{count}:{Guid.NewGuid():N}:";
        for (int i = 0; i < count; i++)
        {
            await fixture.Cache.SetStringAsync(prefix + i, "before");
        }

        var ops = Enumerable.Range(0, count)
            .Select(i => new GridOp { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(prefix + i), Value = [1, 2, 3] })
            .ToArray();
        var frame = OpFrame.Encode(ops);
        foreach (var silo in fixture.Cluster.Silos)
        {
            var entry = fixture.Cluster.Client.GetGrain<ISiloEntryGrain>(silo.SiloAddress.ToParsableString() + "#0");
            await Assert.ThrowsAsync<FormatException>(() => entry.Execute(frame.AsSpan(0, frame.Length - 2).ToArray()));
        }

        for (int i = 0; i < count; i++)
        {
            Assert.Equal("before", await fixture.Cache.GetStringAsync(prefix + i));
        }
    }

    private static byte[] ValidFrame(Random random, int index)
    {
        var ops = new GridOp[random.Next(1, 6)];
        for (int i = 0; i < ops.Length; i++)
        {
            ops[i] = new GridOp
            {
                Code = (OpCode)random.Next(0, 24),
                Flags = (OpFlags)random.Next(0, 4),
                Key = Encoding.UTF8.GetBytes($"fuzz:{index}:{i}"),
                Arg0 = random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(0, 100_000),
                Value = random.Next(3) == 0 ? null : new byte[random.Next(0, 64)],
                Field = random.Next(3) == 0 ? "f" + random.Next(10) : null,
                Tags = random.Next(5) == 0 ? ["t" + random.Next(5)] : null,
            };
        }

        return OpFrame.Encode(ops);
    }

    private static byte[] Mutate(Random random, byte[] frame)
    {
        switch (random.Next(5))
        {
            case 0:
                return frame;
            case 1:
                return frame[..random.Next(0, frame.Length)];
            case 2:
            {
                var longer = new byte[frame.Length + random.Next(1, 64)];
                frame.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(frame.Length));
                return longer;
            }

            default:
                for (int flips = random.Next(1, 6); flips > 0; flips--)
                {
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                }

                return frame;
        }
    }
}
