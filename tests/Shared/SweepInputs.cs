using Grid.Client;
using System.Text;

namespace Grid.Tests.Shared;

/// <summary>
/// Seeded generators of the bad (and good) input the sweep throws at the grid: keys with unpaired surrogates, control
/// characters, huge lengths, empty and null; TTLs negative, zero, huge; values empty, at and over the limit.
/// </summary>
internal sealed class SweepInputs(Random random, GridLimits limits)
{
    public Random Random => random;

    public int Next(int max) => random.Next(max);

    public int Next(int min, int max) => random.Next(min, max);

    public int Next() => random.Next();

    public bool Chance(int percent) => random.Next(100) < percent;

    /// <summary>A key: usually valid (some with control characters, braces, multi-byte text), often not.</summary>
    public string? Key(string prefix)
    {
        switch (random.Next(14))
        {
            case 0: return null;
            case 1: return "";
            case 2: return prefix + "\uD800" + random.Next();                       // lone high surrogate
            case 3: return "\uDC00" + prefix + random.Next();                       // lone low surrogate
            case 4: return prefix + new string('k', limits.MaxKeyBytes + random.Next(1, 1000));
            case 5: return new string('é', limits.MaxKeyBytes / 2 + 1);             // within chars, over bytes
            case 6: return prefix + "\0\u0001\u001b[31m\r\n\t" + random.Next();      // control characters: valid
            case 7: return prefix + "{" + random.Next(10) + "}" + random.Next();     // hash tag
            case 8: return prefix + "日本語🙂" + random.Next();                       // multi-byte, surrogate pair
            case 9: return random.Next(20) == 0 ? new string('x', 1 << 20) : prefix + random.Next(); // a megabyte key, sometimes
            default: return prefix + random.Next() + ":" + RandomText(random.Next(0, 24));
        }
    }

    /// <summary>A name (hash field, tag, pattern) drawn like a key.</summary>
    public string? Name() => Key("n:");

    public byte[] Value() => random.Next(10) switch
    {
        0 => [],
        1 => new byte[limits.MaxValueBytes + random.Next(1, 100)],
        2 => new byte[limits.MaxValueBytes],
        _ => RandomBytes(random.Next(0, 256)),
    };

    public TimeSpan TimeToLive() => random.Next(9) switch
    {
        0 => TimeSpan.Zero,
        1 => TimeSpan.FromMilliseconds(-random.Next(1, 1_000_000)),
        2 => TimeSpan.MinValue,
        3 => TimeSpan.MaxValue,
        4 => limits.MaxTimeToLive + TimeSpan.FromMilliseconds(random.Next(1, 1000)),
        5 => TimeSpan.FromTicks(1),
        _ => TimeSpan.FromSeconds(random.Next(60, 3600)),
    };

    public GridEntryOptions? EntryOptions()
    {
        switch (random.Next(8))
        {
            case 0: return null;
            case 1: return GridEntryOptions.WithTimeToLive(TimeToLive());
            case 2: return new GridEntryOptions { SlidingExpiration = TimeToLive() };
            case 3: return new GridEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(random.Next(-3600, 3600)) };
            case 4: return new GridEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1) };
            case 5: return new GridEntryOptions { When = (SetCondition)random.Next(-2, 5) };
            case 6:
                var tags = new string?[random.Next(0, limits.MaxTagsPerEntry + 3)];
                for (int i = 0; i < tags.Length; i++)
                {
                    tags[i] = Name();
                }

                return new GridEntryOptions { Tags = tags! };
            default: return new GridEntryOptions { TimeToLive = TimeSpan.FromMinutes(10) };
        }
    }

    private string RandomText(int length)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append((char)random.Next(0x20, 0x7F));
        }

        return builder.ToString();
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
