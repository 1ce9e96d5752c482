using Grid.Client.NearCache;

namespace Grid.Client.Tests.NearCache;

/// <summary>
/// The near-cache table's bucket filter (a bit per chained entry beside each bucket's head): a lookup never misses a key
/// the table holds, however its chain was built, unlinked from the middle or head, or grown; keys it does not hold miss.
/// Hashes are chosen so every key shares one bucket, with filter bits that collide and differ.
/// </summary>
public sealed class NearCacheTableFilterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Lookups_find_exactly_the_held_keys_while_one_bucket_s_chain_changes(int seed)
    {
        var random = new Random(seed);
        var table = new NearCacheTable(64);
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);

        for (int step = 0; step < 5_000; step++)
        {
            // Same low bits (one bucket of any table size up to 2^16); top 5 bits from 8 values, so filter bits repeat.
            int n = random.Next(40);
            string key = $"k{n}";
            int hash = (random.Next(8) << 27) ^ (n << 16);
            if (held.ContainsKey(key))
            {
                if (random.Next(2) == 0)
                {
                    table.RemoveAt(slots[key]);
                    held.Remove(key);
                    slots.Remove(key);
                }
            }
            else if (!table.IsFull)
            {
                slots[key] = table.Add(key, hash, [1], partition: 0, generation: 0, globalGeneration: 0, expiresAtMs: long.MaxValue, readSequence: 0);
                held[key] = hash;
            }

            if (step % 1_000 == 999)
            {
                var bigger = table.Grow(table.Capacity * 2);
                table.Retire();
                table = bigger;
            }

            for (int k = 0; k < 40; k++)
            {
                string probe = $"k{k}";
                bool isHeld = held.TryGetValue(probe, out int probeHash);
                int found = table.FindLocked(probe, isHeld ? probeHash : (k << 16) ^ (7 << 27));
                int read = table.TryRead(probe, isHeld ? probeHash : (k << 16) ^ (7 << 27), out _, out _);
                Assert.Equal(isHeld, found >= 0);
                Assert.Equal(isHeld, read >= 0);
                if (isHeld)
                {
                    Assert.True(table.MayHold(probeHash), $"{probe} is held, yet a writer's quick check would skip it");
                }
            }
        }
    }

    /// <summary>
    /// A writer's lock-free quick check (<see cref="NearCacheTable.MayHold"/>) never answers "not held" from a table that
    /// was replaced: the key may be in the table that replaced it (a removal that believed the old table's answer left the
    /// key served). Not-held keys of a live table are answered "no" without a lock.
    /// </summary>
    [Fact]
    public void A_replaced_table_answers_maybe_for_every_key()
    {
        var table = new NearCacheTable(16);
        int held = 5 << 27;
        int absent = 9 << 27;
        table.Add("held", held, [1], partition: 0, generation: 0, globalGeneration: 0, expiresAtMs: long.MaxValue, readSequence: 0);
        Assert.True(table.MayHold(held));
        Assert.False(table.MayHold(absent));

        var bigger = table.Grow(32);
        table.Retire();
        bigger.Add("added", absent, [1], partition: 0, generation: 0, globalGeneration: 0, expiresAtMs: long.MaxValue, readSequence: 0);

        // The key added to the new table: the old one must not say it is surely absent.
        Assert.True(table.MayHold(absent));
        Assert.True(bigger.MayHold(absent));
        Assert.True(bigger.MayHold(held));
    }
}
