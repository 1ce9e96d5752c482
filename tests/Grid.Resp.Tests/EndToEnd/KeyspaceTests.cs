using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>SCAN and KEYS walk every partition; tags and patterns remove what they name; MSETNX refuses what it cannot do atomically.</summary>
[Collection(RespServersCollection.Name)]
public sealed class KeyspaceTests(RespServersFixture servers)
{
    [Fact]
    public async Task Scan_returns_every_key_present_for_the_whole_scan_and_keys_matches_redis()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        await using var redis = await RawRespClient.ConnectAsync(servers.RedisPort);
        var writes = Enumerable.Range(0, 300).Select(i => $"set scan.k{i} v").Append("hset scan.h f v").Append("rpush scan.l a").Append("incr scan.c").ToList();
        await grid.RunAsync(writes);
        await redis.RunAsync(writes);

        // SCAN with a small COUNT, while other keys come and go: the 300 keys there throughout all come back.
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = (List<object?>)RespReply.Parse(await grid.RunAsync([$"scan {cursor} match scan.k* count 7"]))!;
            cursor = (string)reply[0]!;
            seen.UnionWith(((List<object?>)reply[1]!).Cast<string>());
            await grid.RunAsync([$"set scan.k{1000 + calls} v", $"del scan.k{1000 + calls - 1}"]);
            Assert.True(++calls < 5000, "the scan did not end");
        }
        while (cursor != "0");

        for (int i = 0; i < 300; i++)
        {
            Assert.Contains($"scan.k{i}", seen);
        }

        // A negative cursor is taken as Redis's strtoul takes it (a huge one): no error. (What redis-server answers to it
        // depends on its table, so it is not compared.)
        Assert.StartsWith("*2\r\n", await grid.RunAsync(["scan -1"]), StringComparison.Ordinal);

        // TYPE: Redis's type names (a counter is a string).
        Assert.Equal(["scan.h"], await ScanAllAsync(grid, "match scan.* type hash"));
        Assert.Equal(["scan.l"], await ScanAllAsync(grid, "match scan.* type list"));
        Assert.Equal(["scan.c"], await ScanAllAsync(grid, "match scan.[a-d] type string"));
        Assert.Empty(await ScanAllAsync(grid, "match scan.* type nosuchtype"));

        // KEYS: the same keys as redis-server (the order is each server's own).
        string pattern = "scan.k1?";
        Assert.Equal(Sorted(await redis.RunAsync([$"keys {pattern}"])), Sorted(await grid.RunAsync([$"keys {pattern}"])));
        Assert.Equal(["scan.c", "scan.h", "scan.l"], Sorted(await grid.RunAsync(["keys scan.[hlc]*"])));
    }

    [Fact]
    public async Task Tags_set_with_set_are_invalidated_by_grid_invalidatetag()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        Assert.Equal("+OK\r\n+OK\r\n+OK\r\n", await grid.RunAsync(["set tagged.a 1 tags t:user:1 t:all", "set tagged.b 2 ex 100 tags t:all", "set tagged.c 3"]));
        Assert.Equal(":100\r\n", await grid.RunAsync(["ttl tagged.b"]));
        Assert.Equal(":1\r\n", await grid.RunAsync(["grid.invalidatetag t:user:1"]));
        Assert.Equal(":0\r\n:1\r\n", await grid.RunAsync(["exists tagged.a", "exists tagged.b"]));
        Assert.Equal(":1\r\n", await grid.RunAsync(["grid.invalidatetag t:all"]));
        Assert.Equal(":1\r\n", await grid.RunAsync(["exists tagged.a tagged.b tagged.c"]));
        Assert.Equal(":0\r\n", await grid.RunAsync(["grid.invalidatetag t:none"]));
        Assert.Equal("-ERR wrong number of arguments for 'grid.invalidatetag' command\r\n", await grid.RunAsync(["grid.invalidatetag"]));
    }

    [Fact]
    public async Task Grid_invalidatepattern_removes_matching_keys_and_answers_the_count()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        await grid.RunAsync(Enumerable.Range(0, 20).Select(i => $"set pat.user:{i} v").Append("set pat.other v").ToList());
        Assert.Equal(":20\r\n", await grid.RunAsync(["grid.invalidatepattern pat.user:*"]));
        Assert.Equal(":1\r\n", await grid.RunAsync(["exists pat.other pat.user:1"]));
    }

    [Fact]
    public async Task Msetnx_of_keys_in_several_partitions_is_refused_naming_why()
    {
        await using var grid = await RawRespClient.ConnectAsync(servers.GridPort);
        string reply = await grid.RunAsync(["msetnx mrefused.a 1 mrefused.b 2"]);
        Assert.Equal("-" + Grid.Resp.Commands.MSetNxCommand.SeveralPartitions + "\r\n", reply);
        Assert.Equal(":0\r\n", await grid.RunAsync(["exists mrefused.a mrefused.b"]));
        Assert.Equal(":1\r\n:0\r\n:2\r\n", await grid.RunAsync(["msetnx {mrefused}a 1 {mrefused}b 2", "msetnx {mrefused}c 3 {mrefused}a 4", "exists {mrefused}a {mrefused}b {mrefused}c"]));
    }

    private static async Task<List<string>> ScanAllAsync(RawRespClient client, string options)
    {
        var keys = new List<string>();
        string cursor = "0";
        do
        {
            var reply = (List<object?>)RespReply.Parse(await client.RunAsync([$"scan {cursor} {options} count 1000"]))!;
            cursor = (string)reply[0]!;
            keys.AddRange(((List<object?>)reply[1]!).Cast<string>());
        }
        while (cursor != "0");

        return keys.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Sorted(string reply) =>
        ((List<object?>)RespReply.Parse(reply)!).Cast<string>().Order(StringComparer.Ordinal).ToList();
}
