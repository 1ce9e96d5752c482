using System.Globalization;
using System.Text;
using Grid.Core.Tests.Support;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Storage;

/// <summary>Random operations checked against a plain dictionary model (seeded, so a failure replays).</summary>
public sealed class StoreModelTests
{
    private sealed record Model(string? Text, long? Counter, long ExpiresAt)
    {
        public bool Alive(long now) => ExpiresAt == 0 || ExpiresAt > now;

        public string Read => Text ?? Counter!.Value.ToString(CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 5_000)]
    [InlineData(3, 50)]
    public void Random_operations_agree_with_a_dictionary_model(int seed, int keySpace)
    {
        var f = new StoreFixture();
        var random = new Random(seed);
        var model = new Dictionary<string, Model>();
        const int operations = 100_000;
        long expirationsSeen = 0;
        for (int i = 0; i < operations; i++)
        {
            string key = "key:" + random.Next(keySpace).ToString(CultureInfo.InvariantCulture);
            long now = f.NowMs;
            if (model.TryGetValue(key, out var m) && !m.Alive(now))
            {
                model.Remove(key);
                m = null;
                expirationsSeen++;
            }

            int action = random.Next(100);
            if (action < 35)
            {
                string value = RandomValue(random);
                long ttl = random.Next(4) == 0 ? 1 + random.Next(2_000) : 0;
                var flags = random.Next(10) switch { 0 => OpFlags.IfNotExists, 1 => OpFlags.IfExists, _ => OpFlags.None };
                var result = f.Set(key, value, ttlMs: ttl, flags: flags);
                bool write = flags switch { OpFlags.IfNotExists => m is null, OpFlags.IfExists => m is not null, _ => true };
                Assert.Equal(write ? ResultStatus.Ok : ResultStatus.ConditionNotMet, result.Status);
                if (write)
                {
                    model[key] = new Model(value, null, ttl == 0 ? 0 : now + ttl);
                }
            }
            else if (action < 60)
            {
                var result = f.Get(key);
                if (m is null)
                {
                    Assert.Equal(ResultStatus.NotFound, result.Status);
                }
                else
                {
                    Assert.Equal(m.Read, Encoding.UTF8.GetString(result.Value!));
                }
            }
            else if (action < 75)
            {
                Assert.Equal(m is null ? 0 : 1, f.Remove(key).Number);
                model.Remove(key);
            }
            else if (action < 80)
            {
                Assert.Equal(m is null ? 0 : 1, f.Exists(key).Number);
            }
            else if (action < 92)
            {
                long delta = random.Next(-1_000, 1_000);
                var result = f.Increment(key, delta);
                long? current = m is null ? 0 : m.Counter ?? (long.TryParse(m.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null);
                if (current is null)
                {
                    Assert.Equal(ResultStatus.NotInteger, result.Status);
                }
                else
                {
                    Assert.Equal(current.Value + delta, result.Number);
                    model[key] = new Model(null, current.Value + delta, m?.ExpiresAt ?? 0);
                }
            }
            else if (action < 96)
            {
                var result = f.Ttl(key);
                if (m is null)
                {
                    Assert.Equal(ResultStatus.NotFound, result.Status);
                }
                else
                {
                    Assert.Equal(m.ExpiresAt == 0 ? -1 : m.ExpiresAt - now, result.Number);
                }
            }
            else if (action < 98)
            {
                long ttl = 1 + random.Next(2_000);
                Assert.Equal(m is null ? 0 : 1, f.Expire(key, ttl).Number);
                if (m is not null)
                {
                    model[key] = m with { ExpiresAt = now + ttl };
                }
            }
            else
            {
                f.Advance(random.Next(200));
            }

            if (i % 10_000 == 0)
            {
                StoreInspector.AssertConsistent(f.Store);
            }
        }

        StoreInspector.AssertConsistent(f.Store);
        long end = f.NowMs;
        foreach (var (key, m) in model)
        {
            var result = f.Get(key);
            if (m.Alive(end))
            {
                Assert.Equal(m.Read, Encoding.UTF8.GetString(result.Value!));
            }
            else
            {
                Assert.Equal(ResultStatus.NotFound, result.Status);
            }
        }

        // Whatever was not in the model must not be in the store either.
        for (int k = 0; k < keySpace; k++)
        {
            string key = "key:" + k.ToString(CultureInfo.InvariantCulture);
            if (!model.ContainsKey(key))
            {
                Assert.Equal(0, f.Exists(key).Number);
            }
        }

        Assert.Equal(model.Count(p => p.Value.Alive(end)), f.Store.Count);
        Assert.True(f.Store.Counters.Expirations >= expirationsSeen);
        Assert.Equal(f.Store.Bytes, f.Account.Total);
    }

    private static string RandomValue(Random random) => random.Next(5) switch
    {
        0 => random.Next(-10_000, 10_000).ToString(CultureInfo.InvariantCulture),
        1 => "",
        _ => new string((char)('a' + random.Next(26)), random.Next(1, 64)),
    };
}
