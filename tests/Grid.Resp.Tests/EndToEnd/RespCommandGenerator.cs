using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// Random commands for <see cref="RedisDifferentialFuzzTests"/>: the served string, counter, expiry, hash and list
/// commands with edge-case arguments (wrong arity, wrong types, non-integers, zero, negative and huge numbers, repeated
/// and conflicting options, odd case, binary bytes) on a few keys of one sequence. Every choice comes from the
/// <see cref="Random"/> given, so a seed gives the same commands every run; only absolute expiries (EXAT/PXAT) are
/// written relative to the clock, so they stay in the future (or past) they were chosen for.
/// </summary>
/// <remarks>
/// Arguments are strings whose chars are bytes (Latin-1: <c>'\u00ff'</c> is the byte 0xFF), so binary keys and values
/// are plain strings here. The generator keeps away from what the README's "Differences from Redis, and why" table
/// documents as intended, because those replies differ by design:
/// <list type="bullet">
/// <item>no empty key (the grid refuses it) and no empty or non-UTF-8 hash field name (the grid keeps fields as text);</item>
/// <item>no TTL over 10 years (<c>Limits:MaxTimeToLive</c>): the largest expiry is about 28 hours;</item>
/// <item><c>MSETNX</c> only with keys of one partition: one hash tag, or one key repeated;</item>
/// <item><c>SELECT</c> only of database 0 (or arguments that are not a database number); no pub/sub, <c>DBSIZE</c>,
/// <c>INFO</c>, <c>CLIENT</c>, <c>HELLO</c>, <c>SCAN</c> or <c>COMMAND</c>, whose answers are the server's own.</item>
/// </list>
/// It also keeps away from what would make a comparison depend on timing: no expiry short enough to pass during a
/// sequence, and no <c>GT</c>/<c>LT</c> comparison of a relative TTL with an equal one set earlier (see
/// <see cref="ComparableSeconds"/>).
/// </remarks>
internal sealed class RespCommandGenerator
{
    /// <summary>Increments and other integer arguments: canonical, non-canonical, overflowing and non-numeric forms.</summary>
    private static readonly string[] Integers =
    [
        "0", "1", "-1", "2", "10", "100", "-100", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "1.5", "abc", "", " 1", "1 ", "01", "+1", "-0", "1e3", "0x10", "3", "5", "1000",
        "99999999999999999999",
    ];

    /// <summary>List indexes and pop counts.</summary>
    private static readonly string[] SmallIntegers =
    [
        "0", "1", "-1", "2", "3", "5", "-2", "-3", "-100", "100", "9223372036854775807", "-9223372036854775808", "x",
        "1.0", "", "4",
    ];

    /// <summary>
    /// Stored values: integers in canonical and non-canonical forms (a counter reads only the canonical form), binary
    /// bytes, invalid UTF-8, and one value over 64 bytes (Redis keeps such a hash as a hashtable, not a listpack).
    /// </summary>
    private static readonly string[] Values =
    [
        "v", "", "0", "10", "-5", "9223372036854775807", "-9223372036854775808", "1.5", "abc", "\0\u00ff\r\n", " 1",
        new string('x', 300), "1e3", "9223372036854775806", "\u00e9t\u00e9", "7", "-1", "123", "01", "+1", "-0",
    ];

    /// <summary>Hash field names: all non-empty valid UTF-8 ("\u00c3\u00a9" is é's two UTF-8 bytes).</summary>
    private static readonly string[] Fields = ["f", "g", "h", "n", "\u00c3\u00a9", "f f"];

    /// <summary>What a hash command gets after its key in a wrong-arity shape: field names and small numbers only.</summary>
    private static readonly string[] HashArguments = ["f", "g", "n", "\u00c3\u00a9", "1", "-1", "x", "v", "10"];

    private static readonly string[] SetFlags = ["NX", "XX", "KEEPTTL", "GET", "nx", "xx", "keepttl", "get", "Get"];
    private static readonly string[] SetStrayArguments = ["FOO", "EX", "PX", ""];
    private static readonly string[] GetexFlags = ["PERSIST", "persist", "EX", "KEEPTTL", "NX", "FOO"];
    private static readonly string[] ExpireFlags = ["NX", "XX", "GT", "LT", "nx", "gt", "lt", "xx", "FOO"];

    /// <summary>
    /// Relative expiries that set a TTL, in seconds and in milliseconds. No seconds value equals a milliseconds value
    /// (100 s is never also 100000 ms), and all are at least 50 s away from every absolute expiry's offset below, so
    /// whether a <c>GT</c>/<c>LT</c> condition holds never depends on the milliseconds between two commands.
    /// </summary>
    private static readonly long[] ExpirySeconds = [100, 200, 300, 400, 600, 800, 1000, 2000, 5000, 99999];

    private static readonly long[] ExpiryMilliseconds = [150_000, 250_000, 450_000, 650_000, 3_000_000];

    /// <summary>Offsets from now of the future absolute expiries, in seconds (EXAT) and milliseconds (PXAT).</summary>
    private static readonly long[] FutureOffsetsSeconds = [500, 700, 1500];

    private static readonly long[] FutureOffsetsMilliseconds = [900_000, 1_200_000, 1_800_000];

    /// <summary>Expiry arguments that set no TTL: zero, negative (the key goes), malformed, non-canonical.</summary>
    private static readonly string[] NonPositiveOrMalformedTtls =
        ["0", "-1", "-100", "x", "", "1.5", "01", "+100", " 100", "-9223372036854775808"];

    /// <summary>Commands the wrong-shape generator sends with any number of arguments.</summary>
    private static readonly string[] ShapedCommands =
    [
        "GET", "SET", "SETEX", "PSETEX", "SETNX", "GETDEL", "GETEX", "GETSET", "MGET", "MSET", "MSETNX", "DEL",
        "UNLINK", "EXISTS", "EXPIRE", "PEXPIRE", "PERSIST", "TTL", "PTTL", "TYPE", "INCR", "INCRBY", "DECR", "DECRBY",
        "APPEND", "STRLEN", "HSET", "HMSET", "HGET", "HMGET", "HGETALL", "HDEL", "HEXISTS", "HLEN", "HINCRBY", "LPUSH",
        "RPUSH", "LPOP", "RPOP", "LRANGE", "LLEN", "PING", "ECHO", "SELECT", "KEYS",
    ];

    private static readonly HashSet<string> HashCommands =
        ["HSET", "HMSET", "HGET", "HMGET", "HGETALL", "HDEL", "HEXISTS", "HLEN", "HINCRBY"];

    private static readonly HashSet<string> KeyOnlyCommands = ["MGET", "DEL", "UNLINK", "EXISTS"];

    /// <summary>Commands whose third argument is a relative TTL (seconds or milliseconds).</summary>
    private static readonly Dictionary<string, bool> TtlAtThirdArgumentInSeconds = new()
    {
        ["SETEX"] = true, ["EXPIRE"] = true, ["PSETEX"] = false, ["PEXPIRE"] = false,
    };

    /// <summary>Arguments of SELECT that never pick another database than 0 (the grid has only that one).</summary>
    private static readonly string[] SelectArguments = ["0", "x", "-1", "00", "+0", " 0", "0 "];

    private static readonly string[] UnknownCommands = ["FOO", "foo", "GETT", "hgetal", "SETX\u00ff"];

    private readonly Random _random;
    private readonly bool _oneHashTag;
    private readonly string[] _keys;
    private readonly string _keysPattern;
    private readonly long _nowSeconds;
    private readonly (int Weight, Func<string[]> Next)[] _commands;
    private readonly int _totalWeight;

    /// <summary>Relative TTLs (in milliseconds) sent so far in this sequence; see <see cref="ComparableSeconds"/>.</summary>
    private readonly HashSet<long> _relativeTtlsSent = [];

    /// <param name="random">Every choice comes from it.</param>
    /// <param name="keyPrefix">Unique to the sequence; used as it is in keys and in a KEYS pattern, so no glob characters.</param>
    /// <param name="oneHashTag">All keys share the hash tag <c>{keyPrefix}</c> (one partition of the grid), else they spread.</param>
    /// <param name="now">The clock absolute expiries are written from.</param>
    public RespCommandGenerator(Random random, string keyPrefix, bool oneHashTag, DateTimeOffset now)
    {
        _random = random;
        _oneHashTag = oneHashTag;
        string start = oneHashTag ? "{" + keyPrefix + "}" : keyPrefix + ":";
        // Three plain keys and a binary one (NUL, 0xFF, CRLF), chosen less often.
        _keys = [start + "a", start + "b", start + "c", start + "\0\u00ff\r\n"];
        _keysPattern = start + "*";
        _nowSeconds = now.ToUnixTimeSeconds();
        _commands =
        [
            (8, SetCommand),
            (6, () => ["GET", Key()]),
            (2, () => ["SETEX", Key(), Seconds(), Value()]),
            (2, () => ["PSETEX", Key(), Milliseconds(), Value()]),
            (2, () => ["SETNX", Key(), Value()]),
            (3, () => ["GETDEL", Key()]),
            (4, GetexCommand),
            (2, () => ["GETSET", Key(), Value()]),
            (3, () => ["MGET", .. Keys()]),
            (3, () => ["MSET", .. KeyValuePairs(Keys())]),
            (3, MsetnxCommand),
            (3, () => [Pick("DEL", "UNLINK"), .. Keys()]),
            (3, () => ["EXISTS", .. Keys()]),
            (6, ExpireCommand),
            (2, () => ["PERSIST", Key()]),
            (4, () => [Pick("TTL", "PTTL"), Key()]),
            (3, () => ["TYPE", Key()]),
            (3, () => ["INCR", Key()]),
            (3, () => ["DECR", Key()]),
            (3, () => [Pick("INCRBY", "DECRBY"), Key(), Pick(Integers)]),
            (3, () => ["APPEND", Key(), Value()]),
            (2, () => ["STRLEN", Key()]),
            (5, () => [Pick("HSET", "HMSET"), Key(), .. FieldValuePairs()]),
            (4, () => ["HGET", Key(), Pick(Fields)]),
            (2, () => ["HMGET", Key(), .. Repeat(1, 3, () => Pick(Fields))]),
            (3, () => ["HGETALL", Key()]),
            (3, () => ["HDEL", Key(), .. Repeat(1, 3, () => Pick(Fields))]),
            (2, () => ["HEXISTS", Key(), Pick(Fields)]),
            (2, () => ["HLEN", Key()]),
            (4, () => ["HINCRBY", Key(), Pick(Fields), Pick(Integers)]),
            (5, () => [Pick("LPUSH", "RPUSH"), Key(), .. Repeat(1, 4, Value)]),
            (5, () => [Pick("LPOP", "RPOP"), Key(), .. (_random.Next(10) < 4 ? Array.Empty<string>() : [Pick(SmallIntegers)])]),
            (5, () => ["LRANGE", Key(), Pick(SmallIntegers), Pick(SmallIntegers)]),
            (2, () => ["LLEN", Key()]),
            (1, () => ["KEYS", _keysPattern]),
            (1, () => ["PING", .. (_random.Next(2) == 0 ? Array.Empty<string>() : [Value()])]),
            (1, () => ["ECHO", Value()]),
            (4, WrongShapeCommand),
            (1, UnknownCommand),
        ];
        _totalWeight = _commands.Sum(c => c.Weight);
    }

    /// <summary>The next command: its name first, then its arguments.</summary>
    public string[] Next()
    {
        int at = _random.Next(_totalWeight);
        foreach (var (weight, next) in _commands)
        {
            if (at < weight)
            {
                string[] command = next();
                // Command names are case-insensitive: some go lower-case or mixed.
                command[0] = _random.Next(8) switch
                {
                    0 => command[0].ToLowerInvariant(),
                    1 => char.ToUpperInvariant(command[0][0]) + command[0][1..].ToLowerInvariant(),
                    _ => command[0],
                };
                return command;
            }

            at -= weight;
        }

        throw new InvalidOperationException("The weights do not add up.");
    }

    private string[] SetCommand()
    {
        var command = new List<string> { "SET", Key(), Value() };
        int options = Pick(0, 0, 1, 1, 2, 2, 3, 4);
        for (int i = 0; i < options; i++)
        {
            // Expiries may repeat (the last one counts) and conflict with KEEPTTL or another unit (a syntax error).
            int kind = _random.Next(100);
            if (kind < 40)
            {
                command.AddRange(ExpiryOption());
            }
            else if (kind < 95)
            {
                command.Add(Pick(SetFlags));
            }
            else
            {
                command.Add(Pick(SetStrayArguments));
            }
        }

        return [.. command];
    }

    private string[] GetexCommand()
    {
        var command = new List<string> { "GETEX", Key() };
        int options = Pick(0, 1, 1, 1, 2, 3);
        for (int i = 0; i < options; i++)
        {
            if (_random.Next(10) < 6)
            {
                command.AddRange(ExpiryOption());
            }
            else
            {
                command.Add(Pick(GetexFlags));
            }
        }

        return [.. command];
    }

    private string[] ExpireCommand()
    {
        bool seconds = _random.Next(2) == 0;
        string name = seconds ? Pick("EXPIRE", "expire") : Pick("PEXPIRE", "pexpire");
        string[] flags = Repeat(0, 2, () => Pick(ExpireFlags));
        bool compares = flags.Any(f => f.Equals("GT", StringComparison.OrdinalIgnoreCase) || f.Equals("LT", StringComparison.OrdinalIgnoreCase));
        string ttl = (compares, seconds) switch
        {
            (true, true) => ComparableSeconds(),
            (true, false) => ComparableMilliseconds(),
            (false, true) => Seconds(),
            (false, false) => Milliseconds(),
        };
        return [name, Key(), ttl, .. flags];
    }

    /// <summary>MSETNX sets its keys atomically only within one partition of the grid (an intended difference otherwise).</summary>
    private string[] MsetnxCommand()
    {
        if (_oneHashTag)
        {
            return ["MSETNX", .. KeyValuePairs(Keys())];
        }

        string key = Key();
        return ["MSETNX", .. KeyValuePairs(Repeat(1, 2, () => key))];
    }

    /// <summary>A served command with 0 to 5 arguments of any kind: mostly arity and syntax errors.</summary>
    private string[] WrongShapeCommand()
    {
        string name = Pick(ShapedCommands);
        int count = _random.Next(0, 6);
        var command = new List<string> { name };
        string sameKey = Key();
        for (int i = 1; i <= count; i++)
        {
            command.Add((name, i) switch
            {
                (_, 1) => Key(),
                ("SELECT", _) => Pick(SelectArguments),
                ("KEYS", _) => _keysPattern,
                // A number that could be read as a TTL of a few milliseconds would expire a key during the sequence.
                (_, 2) when TtlAtThirdArgumentInSeconds.TryGetValue(name, out bool inSeconds) => inSeconds ? Seconds() : Milliseconds(),
                ("MSETNX", _) when !_oneHashTag && i % 2 == 1 => sameKey,
                ("MSET" or "MSETNX", _) => i % 2 == 1 ? Key() : Value(),
                _ when KeyOnlyCommands.Contains(name) => Key(),
                _ when HashCommands.Contains(name) => Pick(HashArguments),
                _ => _random.Next(4) switch
                {
                    0 => Key(),
                    1 => NonEmpty(Value()),
                    2 => NonEmpty(Pick(Integers)),
                    _ => Pick(Fields),
                },
            });
        }

        if (name == "SELECT" && count >= 1)
        {
            command[1] = Pick(SelectArguments);
        }

        if (name == "MSETNX" && !_oneHashTag && count >= 1)
        {
            command[1] = sameKey;
        }

        return [.. command];
    }

    /// <summary>An unknown command: its error quotes at most 128 bytes of the arguments, as they were sent.</summary>
    private string[] UnknownCommand() => [Pick(UnknownCommands), .. Repeat(0, 3, () => _random.Next(2) == 0 ? Key() : Value())];

    private string[] ExpiryOption() => _random.Next(100) switch
    {
        < 35 => [Pick("EX", "ex"), Seconds()],
        < 60 => [Pick("PX", "px"), Milliseconds()],
        < 80 => [Pick("EXAT", "exat"), AbsoluteSeconds()],
        _ => [Pick("PXAT", "pxat"), AbsoluteMilliseconds()],
    };

    /// <summary>A relative TTL in seconds, or an argument that sets none.</summary>
    private string Seconds() => _random.Next(10) < 7 ? Relative(Pick(ExpirySeconds), 1000) : Pick(NonPositiveOrMalformedTtls);

    private string Milliseconds() => _random.Next(10) < 7 ? Relative(Pick(ExpiryMilliseconds), 1) : Pick(NonPositiveOrMalformedTtls);

    /// <summary>
    /// A TTL for EXPIRE with GT or LT. Its value was not sent before in the sequence: <c>EXPIRE k 100</c> then
    /// <c>EXPIRE k 100 GT</c> holds only if a millisecond passed between the two, which differs from run to run.
    /// </summary>
    private string ComparableSeconds() => Comparable(ExpirySeconds, 1000);

    private string ComparableMilliseconds() => Comparable(ExpiryMilliseconds, 1);

    private string Comparable(long[] pool, long millisecondsPerUnit)
    {
        long[] unsent = [.. pool.Where(v => !_relativeTtlsSent.Contains(v * millisecondsPerUnit))];
        return unsent.Length > 0 && _random.Next(10) < 7 ? Relative(Pick(unsent), millisecondsPerUnit) : Pick(NonPositiveOrMalformedTtls);
    }

    private string Relative(long value, long millisecondsPerUnit)
    {
        _relativeTtlsSent.Add(value * millisecondsPerUnit);
        return Text(value);
    }

    private string AbsoluteSeconds() => _random.Next(10) switch
    {
        < 5 => Text(_nowSeconds + Pick(FutureOffsetsSeconds)),
        5 => Text(_nowSeconds - 100),
        6 => "1",
        _ => Pick("0", "-1", "x"),
    };

    private string AbsoluteMilliseconds() => _random.Next(10) switch
    {
        < 5 => Text((_nowSeconds * 1000) + Pick(FutureOffsetsMilliseconds)),
        5 => Text((_nowSeconds * 1000) - 100_000),
        6 => "1",
        _ => Pick("0", "-1", "x"),
    };

    /// <summary>Mostly the three plain keys; sometimes the binary one.</summary>
    private string Key() => _random.Next(10) < 9 ? _keys[_random.Next(3)] : Pick(_keys);

    private string[] Keys() => Repeat(1, 4, Key);

    private string Value() => Pick(Values);

    private string[] KeyValuePairs(string[] keys) => [.. keys.SelectMany(k => new[] { k, Value() })];

    private string[] FieldValuePairs() => [.. Enumerable.Range(0, _random.Next(1, 4)).SelectMany(_ => new[] { Pick(Fields), Value() })];

    private string[] Repeat(int min, int max, Func<string> next) => [.. Enumerable.Range(0, _random.Next(min, max + 1)).Select(_ => next())];

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];

    private static string NonEmpty(string argument) => argument.Length == 0 ? "1" : argument;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
