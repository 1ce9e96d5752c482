namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// The same command sequences sent to a real redis-server and to the grid's RESP endpoint get the same bytes back.
/// Keys are written <c>@name</c> and become <c>case.name</c>, so every case has keys of its own on both servers.
/// </summary>
[Collection(RespServersCollection.Name)]
public sealed class RedisConformanceTests(RespServersFixture servers)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        {
            "strings", [
                "set @s v", "get @s", "get @none", "set @s w xx", "set @n v nx", "set @n x nx", "get @n", "set @x v xx", "get @x",
                "set @e v ex 100", "ttl @e", "set @s v ex 0", "set @s v px -1", "set @s v ex x", "set @s v foo", "set @s v nx xx",
                "set @s v ex 10 px 10", "set @s v keepttl ex 10", "setex @se 100 v", "ttl @se", "setex @se 0 v", "setex @se x v",
                "psetex @sp 100000 v", "get @sp", "setnx @s z", "setnx @snx z", "get @snx", "strlen @s", "strlen @none",
                "set @a 1", $"set @a 2 exat {DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000}", "exists @a", "set @a 3 pxat 1", "exists @a",
            ]
        },
        {
            "read-then-write", [
                "set @s v", "getset @s new", "get @s", "getset @none x", "getdel @s", "getdel @s", "exists @s",
                "set @g v", "set @g w get", "get @g", "set @g2 w get", "get @g2", "set @g3 w nx get", "set @g3 z nx get", "get @g3",
                "set @k v ex 100", "set @k w keepttl", "ttl @k", "get @k", "set @k x", "ttl @k",
                "append @ap x", "append @ap yz", "get @ap", "strlen @ap", "set @apt v ex 100", "append @apt w", "ttl @apt",
                "set @g4 v xx get", "exists @g4", "set @kg v ex 100", "set @kg w keepttl get", "ttl @kg", "get @kg",
                "incr @cn", "getset @cn x", "incr @cd", "getdel @cd", "exists @cd", "set @tg v", "set @tg w get tags",
            ]
        },
        {
            "multi-key", [
                "mset @m1 a @m2 b", "mget @m1 @m2 @none", "mset @m1", "mset @m1 x @m1 y", "get @m1",
                "del @m1 @none", "del @m1", "exists @m1 @m2 @m2 @none", "unlink @m2 @m2", "exists @m2", "mget @m1",
            ]
        },
        {
            "counters", [
                "incr @c", "incrby @c 10", "decr @c", "decrby @c 3", "get @c", "incrby @c x", "incrby @c 1.5",
                "set @cs abc", "incr @cs", "set @cmax 9223372036854775807", "incr @cmax", "get @cmax",
                "decrby @c -9223372036854775808", "set @ci 10", "incr @ci", "type @ci", "append @ci 5", "get @ci",
            ]
        },
        {
            "expiry", [
                "set @k v", "ttl @k", "pttl @k", "expire @k 100", "ttl @k", "persist @k", "ttl @k", "persist @k", "ttl @none",
                "pttl @none", "expire @none 10", "expire @k x", "pexpire @k 100000", "ttl @k", "expire @k 0", "exists @k",
                "set @p v", "pexpire @p -5", "exists @p", "expire @k 10 bad",
                "set @c v", "expire @c 100 xx", "expire @c 100 nx", "ttl @c", "expire @c 200 nx", "expire @c 50 gt", "ttl @c",
                "expire @c 200 gt", "ttl @c", "expire @c 300 lt", "expire @c 100 lt", "ttl @c", "expire @c 10 nx xx",
                "expire @c 10 gt lt", "expire @c x nx", "expire @c 10 xx gt", "expire @c 5 xx lt", "ttl @c", "persist @c",
                "expire @c 10 gt", "expire @c 10 lt", "ttl @c", "expire @none 10 nx", "expire @c -1 xx", "exists @c",
            ]
        },
        {
            "types", [
                "set @s v", "hset @h f v", "rpush @l a", "incr @c", "type @s", "type @h", "type @l", "type @c", "type @none",
            ]
        },
        {
            "wrong-type", [
                "hset @h f v", "get @h", "incr @h", "lpush @h x", "append @h x", "strlen @h", "getdel @h", "set @h v get",
                "set @s v", "hget @s f", "hgetall @s", "hset @s f v", "llen @s", "lrange @s 0 1", "lpop @s", "lpop @s 0",
                "hincrby @s f 1", "mget @h @s", "set @h v", "get @h",
            ]
        },
        {
            "hashes", [
                "hset @h f1 a f2 b", "hset @h f1 c", "hget @h f1", "hget @h none", "hmget @h f1 f2 none", "hgetall @h", "hlen @h",
                "hexists @h f1", "hexists @h none", "hdel @h f1 none", "hgetall @h", "hincrby @h n 5", "hincrby @h n -2",
                "hincrby @h f2 1", "hincrby @h n x", "hset @h odd", "hmset @h f3 x f4 y", "hmget @h f3 f4", "hmset @h odd", "hgetall @none", "hlen @none", "hget @none f",
                "hdel @h f2 n", "exists @h", "hset @big n 9223372036854775807", "hincrby @big n 1",
            ]
        },
        {
            "lists", [
                "rpush @l a b c", "lpush @l z y", "lrange @l 0 -1", "lrange @l 1 2", "lrange @l -2 -1", "lrange @l 5 10",
                "lrange @l 0 100", "llen @l", "lpop @l", "rpop @l", "lpop @l 2", "lpop @l 5", "lpop @l", "exists @l",
                "rpop @none", "lpop @none 2", "rpush @l2 a", "lpop @l2 0", "lpop @none 0", "lpop @l2 -1", "lpop @l2 x",
                "lpop @l2 1 2", "lrange @l2 x 1", "llen @none",
            ]
        },
        {
            "connection", [
                "ping", "ping hi", "ping a b", "echo hello", "echo", "select 0", "select x",
                "client setname myname", "client getname", "client setname \"bad name\"", "client getname", "client foo",
                "client setname", "client getname x", "hello 4", "hello x", "hello 2 foo", "hello 2 auth someone pw",
            ]
        },
        {
            "unknown-and-arity", [
                "foo", "foo a b", "FOO 'a b' c", "get", "GET a b", "set a", "hget a", "lrange a 0", "del", "incrby a",
            ]
        },
        {
            "getex", [
                "set @k v", "getex @k", "ttl @k", "getex @k ex 100", "ttl @k", "getex @k px 200000", "ttl @k", "getex @k persist",
                "ttl @k", $"getex @k exat {DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000}", "exists @k", "getex @none", "getex @none ex 10",
                "getex @k ex 0", "getex @k ex -1", "getex @k px 0", "getex @k ex x", "getex @k ex 10 px 10", "getex @k persist ex 10",
                "getex @k ex 10 persist", "getex @k foo", "getex @k ex", "getex", "getex @k nx", "getex @k keepttl",
                "hset @h f v", "getex @h", "getex @h ex 10", "getex @k pxat 1", "exists @k",
            ]
        },
        {
            // An absolute expiry already past sets the key gone at once, but only when NX/XX let the write happen.
            "set-past-expiry-conditions", [
                "set @k old", "set @k new exat 1 nx", "get @k", "set @m new pxat 1 xx", "exists @m", "set @k new exat 1 nx get",
                "get @k", "set @k new exat 1 xx", "exists @k", "set @k2 v", "set @k2 w pxat 1 xx get", "exists @k2",
                "set @n v exat 1 nx", "exists @n", "set @p v exat 1", "exists @p", "set @q v exat 1 get", "exists @q",
                "set @r v", "set @r w exat 1 get", "exists @r", "set @x v pxat 1 xx get", "exists @x", "hset @h f v",
                "set @h v exat 1 nx", "set @h v exat 1 xx get", "hlen @h", "set @h v exat 1 nx get", "hlen @h",
                "set @h v pxat 1 xx", "exists @h",
            ]
        },
        {
            // The same expiry option again: the last one counts; another one is a syntax error (t_string.c).
            "repeated-expiry-options", [
                "set @k v ex 100 ex 200", "ttl @k", "set @k v ex x ex 100", "ttl @k", "set @k v px 100000 px 200000", "ttl @k",
                $"set @k v exat {DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000} exat x", "set @k v ex 100 ex get", "ttl @k",
                "set @k v ex 10 px 10", "set @k v ex 10 keepttl", "set @k v keepttl ex 10", "set @k v nx nx", "set @k v get get",
                "getex @k ex 100 ex 300", "ttl @k", "getex @k px 100000 px 200000", "ttl @k", "getex @k ex 10 px 10",
                "getex @k persist persist", "ttl @k", "getex @k ex 10 persist", "getex @k ex -5 ex 100", "ttl @k",
            ]
        },
        {
            // Stored values are integers only in their canonical form (util.c string2ll), as arguments are.
            "stored-integers", [
                "set @a 01", "incr @a", "set @b -0", "decr @b", "set @c +1", "incrby @c 1", "set @d 007", "decrby @d 1",
                "set @e 00", "incr @e", "set @f -01", "incr @f", "append @g 01", "decr @g", "set @z 0", "append @z 7", "incr @z",
                "set @o 0", "append @o 9223372036854775807", "incr @o", "set @i -5", "incr @i", "set @j 0", "incr @j",
                "hset @h f 01 g -0 i +1 j 5", "hincrby @h f 1", "hincrby @h g 1", "hincrby @h i 1", "hincrby @h j 1",
            ]
        },
        {
            // GETEX looks the key up (nil, WRONGTYPE) before it reads the expiry (t_string.c getexCommand).
            "getex-check-order", [
                "getex @none ex x", "getex @none exat x", "getex @none px 1.5", "getex @none ex 0", "getex @none px -1",
                "hset @h f v", "getex @h exat x", "getex @h ex 0", "set @k v", "getex @k ex x", "getex @k ex 0", "ttl @k",
            ]
        },
        {
            // The unknown-command error quotes at most 128 bytes of arguments in all (server.c processCommand).
            "unknown-command-quoting", [
                $"foo {new string('y', 128)}", $"foo {new string('y', 130)}", $"foo {new string('y', 120)} abcdef",
                $"foo {new string('y', 114)} abcdef zz", $"foo {new string('y', 115)} abcdef zz", $"foo {new string('y', 119)} abcdef zz",
                $"foo {new string('y', 124)} abcdef zz", $"foo {new string('y', 127)} abcdef zz", $"foo {new string('y', 139)} abcdef zz",
                "foo a b c d e f", "foo é ü",
            ]
        },
        {
            "msetnx", [
                "msetnx @a 1", "get @a", "msetnx @a 2", "get @a", "msetnx @a", "msetnx @a 1 @b", "msetnx @b 1 @b 2", "get @b",
                "hset @h f v", "msetnx @h x", "msetnx {@}x 1 {@}y 2", "mget {@}x {@}y", "msetnx {@}y 3 {@}z 4", "exists {@}z",
                "msetnx {@}z 1 {@}z 2", "get {@}z",
            ]
        },
        {
            "keys-and-scan", [
                "set @only v", "keys @only", "keys @nomatch*", "keys @o?ly", "keys @[no]nly", "keys", "keys a b",
                "scan x", "scan 0 count 0", "scan 0 count x", "scan 0 count -1", "scan 0 foo", "scan 0 match", "scan",
            ]
        },
        {
            "tags-on-set", [
                "set @t v tags", "set @t v ex 10 tags", "get @t",
            ]
        },
        {
            "auth-without-password", [
                "auth x", "auth default x", "auth someone x", "auth", "auth a b c", "ping",
            ]
        },
        {
            "flushall-arguments", [
                "flushall foo", "flushall async sync", "flushall sync x",
            ]
        },
        {
            "introspection-errors", [
                "command foo", "command count x", "command info nosuchcommand", "command docs nosuchcommand", "client info x",
                "client list type x", "client list id x", "client list id 0", "client list foo", "client list type master",
                "info nosuchsection", "client foo", "cluster info", "CLUSTER NODES", "cluster", "cluster info x", "cluster keyslot",
                "cluster foo", "cluster setslot 1", "command docs get", "command docs set getex lpop nosuch hset",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Replies_are_byte_for_byte_redis_replies(string name, string[] commands)
    {
        var script = commands.Select(c => c.Replace("@", name + ".", StringComparison.Ordinal)).ToArray();
        string expected = await RunAsync(servers.RedisPort, script);
        string actual = await RunAsync(servers.GridPort, script);
        AssertSameReplies(script, expected, actual);
    }

    [Fact]
    public async Task Only_database_0_exists()
    {
        // redis-server has 16 databases; the grid has one keyspace (README: Redis protocol, differences).
        Assert.Equal("+OK\r\n-ERR DB index is out of range\r\n", await RunAsync(servers.GridPort, ["select 0", "select 1"]));
    }

    [Fact]
    public async Task Resp3_replies_after_hello_3_are_redis_replies()
    {
        string[] script =
        [
            "get r3.none", "set r3.s v", "get r3.s", "hset r3.h a 1 b 2", "hgetall r3.h", "hgetall r3.none", "lpop r3.none 2",
            "rpush r3.l a", "lpop r3.l 0", "mget r3.s r3.none", "client getname", "ping", "command docs get scan",
        ];
        string expected = await RunAsync(servers.RedisPort, script, hello3: true);
        string actual = await RunAsync(servers.GridPort, script, hello3: true);
        AssertSameReplies(script, expected, actual);
    }

    [Fact]
    public async Task Hello_answers_redis_map_but_for_the_server_fields()
    {
        foreach (var protocol in new[] { "2", "3" })
        {
            string expected = Mask(await RunAsync(servers.RedisPort, ["hello " + protocol]));
            string actual = Mask(await RunAsync(servers.GridPort, ["hello " + protocol]));
            Assert.Equal(expected, actual);
        }

        // server, version and id are the server's own: their values are masked, their places and the rest compared.
        static string Mask(string reply)
        {
            var lines = reply.Split("\r\n");
            for (int i = 0; i + 2 < lines.Length; i++)
            {
                if (lines[i] is "server" or "version")
                {
                    lines[i + 1] = "$?";
                    lines[i + 2] = "?";
                }
                else if (lines[i] == "id")
                {
                    lines[i + 1] = ":?";
                }
            }

            return string.Join("\r\n", lines);
        }
    }

    [Theory]
    [InlineData("*1\r\n$4\r\nPING\r\n*x\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n*1\r\nxx\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n*1\r\n$-1\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n")]
    [InlineData("PING\r\nset \"a\r\n")]
    [InlineData("PING\r\n*2\r\n$3\r\nGET\r\n:1\r\n")]
    [InlineData("PING\r\nQUIT\r\nPING\r\n")]
    public async Task Protocol_errors_and_quit_answer_as_redis_then_close(string input)
    {
        Assert.Equal(await SendToCloseAsync(servers.RedisPort, input), await SendToCloseAsync(servers.GridPort, input));
    }

    [Fact]
    public async Task Too_big_inline_request_closes_as_redis_does()
    {
        string input = new('a', 70_000);
        Assert.Equal(await SendToCloseAsync(servers.RedisPort, input), await SendToCloseAsync(servers.GridPort, input));
    }

    [Fact]
    public async Task Binary_safe_values_round_trip()
    {
        string input = "*3\r\n$3\r\nSET\r\n$8\r\nbin.k\0\r\n\r\n$5\r\n\r\n\0ab\r\n*2\r\n$3\r\nGET\r\n$8\r\nbin.k\0\r\n\r\n";
        await using var redis = await RawRespClient.ConnectAsync(servers.RedisPort);
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        await redis.SendAsync(input);
        await grid.SendAsync(input);
        Assert.Equal(await redis.ReadReplyAsync() + await redis.ReadReplyAsync(), await grid.ReadReplyAsync() + await grid.ReadReplyAsync());
    }

    /// <summary>
    /// Errors that quote what the client sent quote its bytes as they are (not re-encoded as UTF-8) and stop at a NUL,
    /// as Redis's C strings do; each case is one command as a RESP array of raw arguments.
    /// </summary>
    [Fact]
    public async Task Errors_quote_the_clients_bytes_as_redis_does()
    {
        byte[][][] commands =
        [
            [B("pexpire"), B("raw.k"), B("1.5"), [0xE9, (byte)'t', 0xE9]],
            [B("expire"), B("raw.k"), B("10"), [(byte)'a', 0, (byte)'b']],
            [[(byte)'F', (byte)'O', (byte)'O', 0xFF], [(byte)'a', 0xFF, (byte)'b'], [0, (byte)'x']],
            [B("client"), [0xE9, (byte)'t', 0xE9]],
            [B("command"), [0xE9]],
            [B("foo"), [.. Enumerable.Repeat((byte)'y', 127), 0xC3, 0xA9, (byte)'z']],
            [B("foo"), B("\u00e9\u00e9"), [0xC3]],
        ];
        foreach (var command in commands)
        {
            byte[] frame = Frame(command);
            byte[] expected = await ErrorLineAsync(servers.RedisPort, frame);
            byte[] actual = await ErrorLineAsync(servers.GridPort, frame);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"redis-server: {Convert.ToHexString(expected)}\ngrid:         {Convert.ToHexString(actual)}");
        }

        static byte[] B(string text) => System.Text.Encoding.UTF8.GetBytes(text);

        static byte[] Frame(byte[][] arguments)
        {
            var frame = new List<byte>(B($"*{arguments.Length}\r\n"));
            foreach (var argument in arguments)
            {
                frame.AddRange(B($"${argument.Length}\r\n"));
                frame.AddRange(argument);
                frame.AddRange(B("\r\n"));
            }

            return [.. frame];
        }

        static async Task<byte[]> ErrorLineAsync(int port, byte[] frame)
        {
            await using var client = await RawRespClient.ConnectAsync(port);
            await client.SendRawAsync(frame);
            return await client.ReadLineBytesAsync();
        }
    }

    private static async Task<string> RunAsync(int port, string[] script, bool hello3 = false)
    {
        await using var client = await RawRespClient.ConnectAsync(port);
        if (hello3)
        {
            await client.RunAsync(["hello 3"]);
        }

        return await client.RunAsync(script);
    }

    private static async Task<string> SendToCloseAsync(int port, string input)
    {
        await using var client = await RawRespClient.ConnectAsync(port);
        await client.SendAsync(input);
        return await client.ReadToCloseAsync();
    }

    /// <summary>Compares reply by reply, naming the first command whose reply differs.</summary>
    private static void AssertSameReplies(string[] script, string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }

        Assert.Fail($"Script: {string.Join(" ; ", script)}\nredis-server: {Escape(expected)}\ngrid:         {Escape(actual)}");
    }

    private static string Escape(string text) => text.Replace("\r\n", "⏎", StringComparison.Ordinal);
}
