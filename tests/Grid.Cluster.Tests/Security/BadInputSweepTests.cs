using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grid.Client;
using Grid.Tests.Shared;
using Xunit.Abstractions;

namespace Grid.Cluster.Tests.Security;

/// <summary>
/// The bad-input sweep: thousands of generated calls (seeded, reproducible: the seed is printed; set GRID_SWEEP_SEED to
/// replay one) thrown at the client API of a test cluster. Each call must end in success or a documented exception
/// (the <see cref="ArgumentException"/> family, <see cref="GridWrongTypeException"/>, <see cref="GridOverflowException"/>,
/// the serializer's <see cref="JsonException"/> for typed reads, a cancelled token's <see cref="OperationCanceledException"/>,
/// a factory's own exception). After each batch the silo must be healthy, nothing a failed call targeted may be
/// readable, every value written must read back, the fixed keys of each type must be unchanged, and memory must stay
/// bounded.
/// </summary>
[Collection(BadInputSweepCollection.Name)]
public sealed class BadInputSweepTests(LimitsClusterFixture fixture, ITestOutputHelper output) : IClassFixture<LimitsClusterFixture>
{
    public const int Cases = 10_000;
    private const int BatchSize = 500;
    private const string Text = "sw:text";
    private const string Counter = "sw:counter";
    private const string HashKey = "sw:hash";
    private const string ListKey = "sw:list";

    private GridCache Cache => fixture.Cache;

    [Fact]
    public async Task Ten_thousand_malformed_calls_leave_the_silo_healthy_nothing_half_written_and_memory_bounded()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("GRID_SWEEP_SEED"), CultureInfo.InvariantCulture, out int fixedSeed) ? fixedSeed : Environment.TickCount;
        output.WriteLine($"seed {seed} (GRID_SWEEP_SEED={seed} replays this run)");
        var gen = new SweepInputs(new Random(seed), Cache.Limits);
        var state = new SweepState();
        await SeedFixedKeysAsync();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long maxHeap = baseline;
        var watch = Stopwatch.StartNew();

        for (int index = 0; index < Cases; index++)
        {
            await RunCaseAsync(index, gen, state);
            if ((index + 1) % BatchSize == 0)
            {
                Assert.True(state.Failures.Count == 0, $"seed {seed}: {state.Failures.Count} calls ended outside the documented outcomes, first: {string.Join("\n", state.Failures.Take(5))}");
                await CheckBatchAsync(state, seed, index + 1);
                long heap = GC.GetTotalMemory(forceFullCollection: true);
                maxHeap = Math.Max(maxHeap, heap);
                Assert.True(heap < baseline + (256L << 20), $"seed {seed}: the test process heap grew from {baseline} to {heap} bytes after {index + 1} cases");
            }
        }

        var stats = (await Cache.GetSiloStatisticsAsync()).Single();
        Assert.True(stats.Bytes <= stats.BudgetBytes, $"the silo holds {stats.Bytes} bytes over its budget {stats.BudgetBytes}");
        output.WriteLine($"{Cases} cases in {watch.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", state.Outcomes.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        output.WriteLine($"checked absent: {state.Absent}, read back: {state.ReadBack}; max test heap {maxHeap >> 20} MiB (baseline {baseline >> 20} MiB); silo {stats.Entries} entries, {stats.Bytes >> 10} KiB of {stats.BudgetBytes >> 20} MiB");
    }

    private async Task SeedFixedKeysAsync()
    {
        await Cache.SetStringAsync(Text, "hello");
        await Cache.RemoveAsync(Counter);
        await Cache.IncrementAsync(Counter, long.MaxValue - 1000);
        await Cache.RemoveAsync(HashKey);
        await Cache.HashSetAsync(HashKey, "f", "v"u8.ToArray());
        await Cache.RemoveAsync(ListKey);
        await Cache.ListRightPushAsync(ListKey, "a"u8.ToArray());
    }

    private async Task RunCaseAsync(int index, SweepInputs gen, SweepState state)
    {
        string prefix = $"sw:{index}:";
        int kind = gen.Next(20);
        string? key = gen.Key(prefix);
        Exception? error = null;
        try
        {
            await RunKindAsync(kind, key, prefix, gen, state);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        string outcome = error?.GetType().Name ?? "ok";
        state.Outcomes[outcome] = state.Outcomes.GetValueOrDefault(outcome) + 1;
        if (error is not null && !Allowed(kind, error))
        {
            state.Failures.Add($"case {index} kind {kind} key {Describe(key)}: {error}");
        }
    }

    private static bool Allowed(int kind, Exception error) => error switch
    {
        ArgumentException or GridWrongTypeException or GridOverflowException => true,
        JsonException => kind == 16,
        OperationCanceledException => kind == 18,
        SweepFactoryException => kind == 17,
        _ => false,
    };

    private async Task RunKindAsync(int kind, string? key, string prefix, SweepInputs gen, SweepState state)
    {
        switch (kind)
        {
            case 0:
            case 1:
            {
                var value = gen.Value();
                var options = gen.EntryOptions();
                bool written = false;
                try
                {
                    written = await Cache.SetAsync(key!, value, options);
                }
                finally
                {
                    if (!written)
                    {
                        state.MustBeAbsent(key, Cache.Limits);
                    }
                    else if (options is null || (options.TimeToLive >= TimeSpan.FromMinutes(1) && options.Tags is null && options.SlidingExpiration is null))
                    {
                        state.MustRead(key!, value);
                    }
                }

                break;
            }

            case 2:
                await Cache.GetAsync(key!);
                break;
            case 3:
            {
                var keys = gen.Chance(5) ? null : Enumerable.Range(0, gen.Next(Cache.Limits.MaxKeysPerCall + 10)).Select(_ => gen.Chance(90) ? prefix + gen.Next(1000) : gen.Key(prefix)).ToList();
                await Cache.GetManyAsync(keys!);
                break;
            }

            case 4:
            {
                var items = Enumerable.Range(0, gen.Next(Cache.Limits.MaxKeysPerCall + 10))
                    .Select(i => KeyValuePair.Create(gen.Chance(95) ? $"{prefix}{i}" : gen.Key(prefix)!, (ReadOnlyMemory<byte>)gen.Value()))
                    .DistinctBy(p => p.Key)
                    .ToList();
                try
                {
                    await Cache.SetManyAsync(items, gen.Chance(20) ? gen.EntryOptions() : null);
                }
                catch
                {
                    foreach (var item in items)
                    {
                        state.MustBeAbsent(item.Key, Cache.Limits);
                    }

                    throw;
                }

                break;
            }

            case 5:
                switch (gen.Next(5))
                {
                    case 0: await Cache.RemoveAsync(key!); break;
                    case 1: await Cache.ExistsAsync(key!); break;
                    case 2: await Cache.PersistAsync(key!); break;
                    case 3: await Cache.GetTimeToLiveAsync(key!); break;
                    default: await Cache.GetTypeAsync(key!); break;
                }

                break;
            case 6:
            {
                // A fresh key with no expiry; a refused expire leaves it without one.
                string fresh = prefix + "expire";
                await Cache.SetStringAsync(fresh, "v");
                var ttl = gen.TimeToLive();
                try
                {
                    await Cache.ExpireAsync(fresh, ttl);
                }
                catch (ArgumentException)
                {
                    Assert.Equal(GridTimeToLive.NoExpiry, await Cache.GetTimeToLiveAsync(fresh));
                    throw;
                }

                break;
            }

            case 7:
            {
                long delta = gen.Next(4) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => -gen.Next(1000), _ => gen.Next(1000) };
                string target = gen.Chance(50) ? Counter : key!;
                if (gen.Chance(50))
                {
                    await Cache.IncrementAsync(target, delta);
                }
                else
                {
                    await Cache.DecrementAsync(target, delta);
                }

                break;
            }

            case 8:
                await WrongTypeAsync(gen);
                break;
            case 9:
            {
                try
                {
                    await Cache.HashSetAsync(key!, gen.Name()!, gen.Value());
                }
                catch
                {
                    state.MustBeAbsent(key, Cache.Limits);
                    throw;
                }

                break;
            }

            case 10:
                switch (gen.Next(3))
                {
                    case 0: await Cache.HashGetAsync(HashKey, gen.Name()!); break;
                    case 1: await Cache.HashDeleteAsync(HashKey + ":copy", gen.Name()!); break;
                    default: await Cache.HashIncrementAsync(key!, gen.Name()!, gen.Next(10)); break;
                }

                break;
            case 11:
            {
                var values = gen.Chance(5) ? null : Enumerable.Range(0, gen.Next(Cache.Limits.MaxKeysPerCall + 10)).Select(_ => (ReadOnlyMemory<byte>)gen.Value()).ToList();
                try
                {
                    await Cache.ListRightPushAsync(key!, values!);
                }
                catch
                {
                    state.MustBeAbsent(key, Cache.Limits);
                    throw;
                }

                break;
            }

            case 12:
            {
                long Bound() => gen.Next(4) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => gen.Next(-5, 5) };
                await Cache.ListRangeAsync(ListKey, Bound(), Bound());
                break;
            }

            case 13:
                await Cache.ListLeftPopAsync(key!);
                break;
            case 14:
                if (gen.Chance(10))
                {
                    await Cache.InvalidateTagAsync(gen.Name()!);
                }
                else
                {
                    await Cache.GetAsync(key!, new GridReadOptions { NearCacheTimeToLive = gen.TimeToLive() });
                }

                break;
            case 15:
                if (gen.Chance(10))
                {
                    // Patterns stay inside a namespace nothing is written to, or are invalid.
                    string? pattern = gen.Next(4) switch { 0 => gen.Name(), 1 => "sw-pat:*[" + gen.Next(), 2 => "sw-pat:\\" + new string('*', gen.Next(1, 200)), _ => "sw-pat:?" + gen.Next() };
                    await Cache.InvalidatePatternAsync(pattern!);
                }
                else
                {
                    await Cache.GetTypeAsync(key!);
                }

                break;
            case 16:
                // Wrong CLR types for typed reads: the serializer refuses (JsonException).
                switch (gen.Next(3))
                {
                    case 0: await Cache.GetAsync<int>(Text); break;
                    case 1: await Cache.GetAsync<Dictionary<string, int>>(key!); break;
                    default: await Cache.SetAsync<string?>(key!, null); await Cache.GetAsync<DateTime>(key!); break;
                }

                break;
            case 17:
            {
                try
                {
                    await Cache.GetOrSetAsync<string>(key!, gen.Chance(50) ? null! : _ => throw new SweepFactoryException());
                }
                finally
                {
                    state.MustBeAbsent(key, Cache.Limits);
                }

                break;
            }

            case 18:
            {
                using var cancelled = new CancellationTokenSource();
                cancelled.Cancel();
                try
                {
                    await Cache.SetAsync(key!, gen.Value(), cancellationToken: cancelled.Token);
                }
                finally
                {
                    state.MustBeAbsent(key, Cache.Limits);
                }

                break;
            }

            default:
            {
                var entry = gen.EntryOptions();
                bool written = false;
                try
                {
                    written = await Cache.SetStringAsync(key!, gen.Chance(50) ? "\uD800 lone" : "text\0\u001b", entry);
                }
                finally
                {
                    if (!written)
                    {
                        state.MustBeAbsent(key, Cache.Limits);
                    }
                }

                break;
            }
        }
    }

    private async Task WrongTypeAsync(SweepInputs gen)
    {
        Task call = gen.Next(8) switch
        {
            0 => Cache.ListRightPushAsync(Text, "x"u8.ToArray()).AsTask(),
            1 => Cache.HashSetAsync(ListKey, "f", "x"u8.ToArray()).AsTask(),
            2 => Cache.IncrementAsync(Text).AsTask(),
            3 => Cache.HashGetAsync(Text, "f").AsTask(),
            4 => Cache.ListRangeAsync(HashKey).AsTask(),
            5 => Cache.GetAsync(HashKey).AsTask(),
            6 => Cache.HashIncrementAsync(ListKey, "f").AsTask(),
            _ => Cache.ListLeftPopAsync(Counter).AsTask(),
        };
        await Assert.ThrowsAsync<GridWrongTypeException>(() => call);
        throw new GridWrongTypeException("sweep", "expected");
    }

    private async Task CheckBatchAsync(SweepState state, int seed, int cases)
    {
        // The silo is up, active and answers.
        Assert.All(fixture.Cluster.Silos, s => Assert.True(s.IsActive));
        string canary = $"sw:canary:{cases}";
        await Cache.SetStringAsync(canary, "alive");
        Assert.Equal("alive", await Cache.GetStringAsync(canary));
        var stats = (await Cache.GetSiloStatisticsAsync()).Single();
        Assert.True(stats.Bytes <= stats.BudgetBytes, $"seed {seed}: the silo holds {stats.Bytes} bytes, over its budget");

        // Nothing a refused call targeted is readable.
        foreach (var key in state.Absent.Pending)
        {
            Assert.False(await Cache.ExistsAsync(key), $"seed {seed}: key '{key}' of a refused call exists");
        }

        // Every value written reads back.
        var written = state.Written.ToList();
        foreach (var chunk in written.Chunk(Cache.Limits.MaxKeysPerCall))
        {
            var values = await Cache.GetManyAsync(chunk.Select(p => p.Key).ToArray());
            for (int i = 0; i < chunk.Length; i++)
            {
                Assert.True(values[i] is { } value && value.AsSpan().SequenceEqual(chunk[i].Value), $"seed {seed}: key '{chunk[i].Key}' does not read back what was written");
            }
        }

        // The fixed keys of each type are what they were.
        Assert.Equal("hello", await Cache.GetStringAsync(Text));
        Assert.Equal(1, await Cache.HashLengthAsync(HashKey));
        Assert.Equal(1, await Cache.ListLengthAsync(ListKey));
        Assert.Equal(GridValueType.Counter, await Cache.GetTypeAsync(Counter));
        state.EndBatch();
    }

    private static string Describe(string? key) => key is null ? "null" : key.Length > 40 ? $"{key[..40]}... ({key.Length} chars)" : key;

    /// <summary>What the sweep has to check at the end of the batch.</summary>
    private sealed class SweepState
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        public Dictionary<string, int> Outcomes { get; } = [];

        public List<string> Failures { get; } = [];

        public AbsentKeys Absent { get; } = new();

        public Dictionary<string, byte[]> Written { get; } = [];

        public int ReadBack { get; private set; }

        /// <summary>A key a refused call targeted: when it is a valid key, it must not exist.</summary>
        public void MustBeAbsent(string? key, GridLimits limits)
        {
            if (IsValid(key, limits))
            {
                Absent.Pending.Add(key!);
            }
        }

        public void MustRead(string key, byte[] value) => Written[key] = value;

        public void EndBatch()
        {
            Absent.Checked += Absent.Pending.Count;
            Absent.Pending.Clear();
            ReadBack += Written.Count;
            Written.Clear();
        }

        private static bool IsValid(string? key, GridLimits limits)
        {
            if (string.IsNullOrEmpty(key) || key.Length > limits.MaxKeyBytes)
            {
                return false;
            }

            try
            {
                return StrictUtf8.GetByteCount(key) <= limits.MaxKeyBytes;
            }
            catch (EncoderFallbackException)
            {
                return false;
            }
        }
    }

    private sealed class AbsentKeys
    {
        public HashSet<string> Pending { get; } = [];

        public int Checked { get; set; }

        public override string ToString() => Checked.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class SweepFactoryException : Exception
    {
        public SweepFactoryException() : base("the sweep's factory fails on purpose") { }
    }
}
