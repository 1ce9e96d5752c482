using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>COMMAND, INFO and CLIENT INFO/LIST answer what redis-cli and client libraries read from them, in Redis's shapes.</summary>
[Collection(RespServersCollection.Name)]
public sealed class IntrospectionTests(RespServersFixture servers)
{
    [Fact]
    public async Task Command_info_flags_key_positions_and_categories_are_redis_own()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        await using var redis = await RawRespClient.ConnectAsync(servers.RedisPort);
        var names = ((List<object?>)RespReply.Parse(await grid.RunAsync(["command list"]))!).Cast<string>().Where(n => !n.StartsWith("grid.", StringComparison.Ordinal)).ToList();
        Assert.Contains("get", names);
        Assert.Contains("scan", names);

        string request = "command info " + string.Join(' ', names);
        var ours = (List<object?>)RespReply.Parse(await grid.RunAsync([request]))!;
        var theirs = (List<object?>)RespReply.Parse(await redis.RunAsync([request]))!;
        for (int i = 0; i < names.Count; i++)
        {
            var mine = (List<object?>)ours[i]!;
            var real = (List<object?>)theirs[i]!;
            Assert.Equal(10, mine.Count);

            // Name, arity, flags, first key, last key, step, ACL categories.
            for (int field = 0; field < 7; field++)
            {
                Assert.True(Same(real[field], mine[field]), $"{names[i]}: field {field}: redis-server {Show(real[field])}, grid {Show(mine[field])}");
            }
        }
    }

    [Fact]
    public async Task Command_count_and_docs_cover_the_command_table()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        long count = (long)RespReply.Parse(await grid.RunAsync(["command count"]))!;
        var all = (List<object?>)RespReply.Parse(await grid.RunAsync(["command"]))!;
        Assert.Equal(count, all.Count);

        var docs = (List<object?>)RespReply.Parse(await grid.RunAsync(["command docs get grid.invalidatetag nosuch"]))!;
        Assert.Equal(4, docs.Count);
        Assert.Equal("get", docs[0]);
        var getDocs = (List<object?>)docs[1]!;
        Assert.Equal(["summary", "Get the value of a key", "since", "1.0.0", "group", "string", "complexity", "O(1)", "arguments"], getDocs.Take(9).Cast<string>());
        Assert.Equal("grid.invalidatetag", docs[2]);
        Assert.Equal(["summary", "Remove every key that carries a tag (Grid)", "since", "7.0.0", "group", "generic"], ((List<object?>)docs[3]!).Take(6).Cast<string>());
    }

    [Fact]
    public async Task Info_has_redis_sections_with_the_grid_figures()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        Assert.Equal("+OK\r\n", await grid.RunAsync(["set info.k v"]));
        Assert.Equal("+OK\r\n", await grid.RunAsync(["set info.ttl v ex 600"]));

        string all = (string)RespReply.Parse(await grid.RunAsync(["info"]))!;
        foreach (string section in new[] { "# Server", "# Clients", "# Memory", "# Stats", "# Replication", "# Keyspace" })
        {
            Assert.Contains(section + "\r\n", all, StringComparison.Ordinal);
        }

        var fields = Fields(all);
        Assert.Equal("7.0.0", fields["redis_version"]);
        Assert.Equal("standalone", fields["redis_mode"]);
        Assert.Equal("master", fields["role"]);
        Assert.Equal(servers.GridPort.ToString(CultureInfo.InvariantCulture), fields["tcp_port"]);
        Assert.True(long.Parse(fields["connected_clients"], CultureInfo.InvariantCulture) >= 1);
        Assert.True(long.Parse(fields["used_memory"], CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(fields["grid_operations"], CultureInfo.InvariantCulture) > 0);
        // expires counts the entries with a deadline (at least info.ttl; other tests share the silo).
        Assert.Matches("^keys=[1-9][0-9]*,expires=[1-9][0-9]*,avg_ttl=0$", fields["db0"]);
        Assert.EndsWith("\r\n", all, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n\r\n\r\n", all, StringComparison.Ordinal);

        // One or several sections, any case, in Redis's order; RESP3 answers a verbatim string.
        string keyspace = (string)RespReply.Parse(await grid.RunAsync(["info KEYSPACE"]))!;
        Assert.StartsWith("# Keyspace\r\ndb0:keys=", keyspace, StringComparison.Ordinal);
        string two = (string)RespReply.Parse(await grid.RunAsync(["info clients server"]))!;
        Assert.StartsWith("# Server\r\n", two, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\n# Clients\r\n", two, StringComparison.Ordinal);
        await grid.RunAsync(["hello 3"]);
        Assert.StartsWith("=", await grid.RunAsync(["info stats"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_info_and_list_have_redis_fields_in_redis_order()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        await using var redis = await RawRespClient.ConnectAsync(servers.RedisPort);
        string mine = (string)RespReply.ParseAll(await grid.RunAsync(["client setname me", "client info"]))[1]!;
        string theirs = (string)RespReply.ParseAll(await redis.RunAsync(["client setname me", "client info"]))[1]!;
        Assert.Equal(Names(theirs), Names(mine));
        Assert.EndsWith("\n", mine, StringComparison.Ordinal);
        Assert.Contains(" name=me ", mine, StringComparison.Ordinal);
        Assert.Contains(" cmd=client|info ", mine, StringComparison.Ordinal);
        Assert.Contains(" laddr=127.0.0.1:" + servers.GridPort.ToString(CultureInfo.InvariantCulture) + " ", mine, StringComparison.Ordinal);

        // CLIENT LIST: this silo's connections, this one among them; ID filters.
        await using var other = await RawRespClient.ConnectAsync(servers.GridPort);
        long otherId = (long)RespReply.Parse(await other.RunAsync(["client id"]))!;
        long myId = (long)RespReply.Parse(await grid.RunAsync(["client id"]))!;
        string list = (string)RespReply.Parse(await grid.RunAsync(["client list"]))!;
        Assert.Contains($"id={myId} ", list, StringComparison.Ordinal);
        Assert.Contains($"id={otherId} ", list, StringComparison.Ordinal);
        string one = (string)RespReply.Parse(await grid.RunAsync([$"client list id {otherId}"]))!;
        Assert.Single(one.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"id={otherId} ", one, StringComparison.Ordinal);

        static IEnumerable<string> Names(string line) => line.Trim().Split(' ').Select(f => f[..f.IndexOf('=', StringComparison.Ordinal)]);
    }

    private static Dictionary<string, string> Fields(string info) =>
        info.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1]);

    private static bool Same(object? a, object? b) => a is List<object?> x && b is List<object?> y ? x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)) : Equals(a, b);

    private static string Show(object? value) => value is List<object?> list ? "[" + string.Join(", ", list.Select(Show)) + "]" : value?.ToString() ?? "null";
}
