namespace Grid.Cli.Tests;

/// <summary>Every command, run through <see cref="GridCli.RunAsync"/> against a two-silo cluster.</summary>
[Collection(CliClusterCollection.Name)]
public sealed class CommandTests(CliClusterFixture fixture)
{
    private Task<CliResult> Run(params string[] args) => Cli.RunAsync(fixture.Cache, args);

    private static void AssertOk(CliResult result, string expectedOut)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedOut, result.Text);
        Assert.Equal("", result.Error);
    }

    private static void AssertNotFound(CliResult result, string expectedError)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Equal(expectedError + Environment.NewLine, result.Error);
    }

    private static void AssertError(CliResult result, string expectedError)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Equal("error: " + expectedError + Environment.NewLine, result.Error);
    }

    [Fact]
    public async Task Set_then_get_prints_the_value()
    {
        AssertOk(await Run("set", "cmd:greeting", "hello wörld"), "OK");
        AssertOk(await Run("get", "cmd:greeting"), "hello wörld");
    }

    [Fact]
    public async Task Get_version_then_set_if_version_writes_once_and_a_stale_version_exits_1()
    {
        AssertOk(await Run("set", "cmd:versioned", "one"), "OK");
        var read = await Run("get", "cmd:versioned", "--version");
        Assert.True(read.ExitCode == 0, read.ToString());
        string[] lines = read.Text.Split(Environment.NewLine);
        Assert.Equal("one", lines[1]);
        long version = long.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(version > 0);

        var written = await Run("set", "cmd:versioned", "two", "--if-version", lines[0]);
        Assert.True(written.ExitCode == 0, written.ToString());
        string[] answer = written.Text.Split(Environment.NewLine);
        Assert.Equal("OK", answer[0]);
        Assert.True(long.Parse(answer[1], System.Globalization.CultureInfo.InvariantCulture) > version);

        AssertNotFound(await Run("set", "cmd:versioned", "three", "--if-version", lines[0]), $"conflict: key 'cmd:versioned' is at version {answer[1]}, not at version {version}; nothing changed");
        AssertNotFound(await Run("del", "cmd:versioned", "--if-version", lines[0]), $"conflict: key 'cmd:versioned' is at version {answer[1]}, not at version {version}; nothing changed");
        AssertOk(await Run("get", "cmd:versioned"), "two");
        AssertOk(await Run("del", "cmd:versioned", "--if-version", answer[1]), "deleted");
        AssertNotFound(await Run("get", "cmd:versioned", "--version"), "key 'cmd:versioned' does not exist");
        AssertNotFound(await Run("set", "cmd:versioned", "x", "--if-version", answer[1]), "conflict: key 'cmd:versioned' does not exist, not at version " + answer[1] + "; nothing changed");
        Assert.Equal(0, (await Run("set", "cmd:versioned", "created", "--if-version", "0")).ExitCode);
        AssertOk(await Run("get", "cmd:versioned"), "created");
    }

    [Fact]
    public async Task Set_if_version_refuses_a_negative_version_and_nx_or_xx()
    {
        AssertError(await Run("set", "cmd:versioned-bad", "v", "--if-version", "-1"), "--if-version must be 0 or a version printed by 'get --version' (see 'grid set --help')");
        AssertError(await Run("set", "cmd:versioned-bad", "v", "--if-version", "1", "--nx"), "--if-version cannot be used with --nx or --xx (see 'grid set --help')");
        AssertNotFound(await Run("get", "cmd:versioned-bad"), "key 'cmd:versioned-bad' does not exist");
    }

    [Fact]
    public async Task Get_of_missing_key_exits_1()
    {
        AssertNotFound(await Run("get", "cmd:missing"), "key 'cmd:missing' does not exist");
    }

    [Fact]
    public async Task Del_deletes_and_del_of_missing_key_exits_1()
    {
        await Run("set", "cmd:del", "v");
        AssertOk(await Run("del", "cmd:del"), "deleted");
        AssertNotFound(await Run("del", "cmd:del"), "key 'cmd:del' does not exist");
    }

    [Fact]
    public async Task Exists_prints_true_or_false_and_false_exits_1()
    {
        await Run("set", "cmd:exists", "v");
        AssertOk(await Run("exists", "cmd:exists"), "true");

        var missing = await Run("exists", "cmd:exists-not");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("false", missing.Text);
    }

    [Fact]
    public async Task Ttl_prints_seconds_with_millisecond_precision_or_no_expiry()
    {
        await Run("set", "cmd:ttl", "v", "--ttl", "30s");
        var ttl = await Run("ttl", "cmd:ttl");
        Assert.Equal(0, ttl.ExitCode);
        Assert.Matches(@"^\d+\.\d{3}$", ttl.Text);
        Assert.InRange(double.Parse(ttl.Text, System.Globalization.CultureInfo.InvariantCulture), 20, 30);

        AssertOk(await Run("persist", "cmd:ttl"), "OK");
        AssertOk(await Run("ttl", "cmd:ttl"), "no expiry");
        AssertNotFound(await Run("persist", "cmd:ttl"), "key 'cmd:ttl' does not exist or has no expiry");

        AssertOk(await Run("expire", "cmd:ttl", "00:02:00"), "OK");
        Assert.StartsWith("1", (await Run("ttl", "cmd:ttl")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ttl_expire_and_persist_of_missing_key_exit_1()
    {
        AssertNotFound(await Run("ttl", "cmd:ttl-missing"), "key 'cmd:ttl-missing' does not exist");
        AssertNotFound(await Run("expire", "cmd:ttl-missing", "5m"), "key 'cmd:ttl-missing' does not exist");
        AssertNotFound(await Run("persist", "cmd:ttl-missing"), "key 'cmd:ttl-missing' does not exist or has no expiry");
    }

    [Fact]
    public async Task Set_with_ttl_1s_then_get_after_expiry_exits_1()
    {
        AssertOk(await Run("set", "cmd:short", "v", "--ttl", "1s"), "OK");
        AssertOk(await Run("get", "cmd:short"), "v");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        CliResult result;
        do
        {
            await Task.Delay(100);
            result = await Run("get", "cmd:short");
        }
        while (result.ExitCode == 0 && DateTime.UtcNow < deadline);

        AssertNotFound(result, "key 'cmd:short' does not exist");
    }

    [Fact]
    public async Task Set_nx_and_xx_follow_their_condition_and_exit_1_when_not_written()
    {
        AssertOk(await Run("set", "cmd:nx", "first", "--nx"), "OK");
        AssertNotFound(await Run("set", "cmd:nx", "second", "--nx"), "not set: key 'cmd:nx' already exists");
        AssertOk(await Run("set", "cmd:nx", "third", "--xx", "--tag", "a", "--tag", "b"), "OK");
        AssertNotFound(await Run("set", "cmd:xx-missing", "v", "--xx"), "not set: key 'cmd:xx-missing' does not exist");
        AssertOk(await Run("get", "cmd:nx"), "third");
    }

    [Fact]
    public async Task Set_with_sliding_expiration_has_a_ttl()
    {
        AssertOk(await Run("set", "cmd:sliding", "v", "--sliding", "10m"), "OK");
        var ttl = await Run("ttl", "cmd:sliding");
        Assert.Equal(0, ttl.ExitCode);
        Assert.InRange(double.Parse(ttl.Text, System.Globalization.CultureInfo.InvariantCulture), 500, 600);
    }

    [Fact]
    public async Task Incr_and_decr_print_the_new_value()
    {
        AssertOk(await Run("incr", "cmd:counter"), "1");
        AssertOk(await Run("incr", "cmd:counter", "41"), "42");
        AssertOk(await Run("decr", "cmd:counter"), "41");
        AssertOk(await Run("decr", "cmd:counter", "-9"), "50");
        AssertOk(await Run("get", "cmd:counter"), "50");
        AssertOk(await Run("type", "cmd:counter"), "counter");
    }

    [Fact]
    public async Task Incr_past_the_64_bit_range_exits_2()
    {
        await Run("incr", "cmd:overflow", "9223372036854775807");

        var result = await Run("incr", "cmd:overflow");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("overflows", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hset_hget_hgetall_and_hdel_work_on_a_hash()
    {
        AssertOk(await Run("hset", "cmd:hash", "b", "2"), "created");
        AssertOk(await Run("hset", "cmd:hash", "a", "1"), "created");
        AssertOk(await Run("hset", "cmd:hash", "a", "one"), "updated");
        AssertOk(await Run("hget", "cmd:hash", "a"), "one");
        AssertOk(await Run("hgetall", "cmd:hash"), $"a\tone{Environment.NewLine}b\t2");
        AssertOk(await Run("type", "cmd:hash"), "hash");
        AssertOk(await Run("hdel", "cmd:hash", "a"), "deleted");
        AssertNotFound(await Run("hdel", "cmd:hash", "a"), "field 'a' of key 'cmd:hash' does not exist");
    }

    [Fact]
    public async Task Hgetall_and_lrange_json_keep_values_with_tabs_newlines_and_non_ascii_whole()
    {
        await Run("hset", "cmd:json-hash", "b", "two\tcolumns");
        await Run("hset", "cmd:json-hash", "a", "line one\nline \"two\" wörld");
        var hash = await Run("hgetall", "cmd:json-hash", "--json");
        Assert.True(hash.ExitCode == 0, hash.ToString());
        Assert.Contains("wörld", hash.Out, StringComparison.Ordinal);
        using (var document = System.Text.Json.JsonDocument.Parse(hash.Out))
        {
            var fields = document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
            Assert.Equal(new (string, string?)[] { ("a", "line one\nline \"two\" wörld"), ("b", "two\tcolumns") }, fields);
        }

        await Run("rpush", "cmd:json-list", "x\ty", "z\n", "ü");
        var list = await Run("lrange", "cmd:json-list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var document = System.Text.Json.JsonDocument.Parse(list.Out))
        {
            Assert.Equal(new string?[] { "x\ty", "z\n", "ü" }, document.RootElement.EnumerateArray().Select(e => e.GetString()).ToArray());
        }

        AssertOk(await Run("lrange", "cmd:json-list", "5", "9", "--json"), "[]");
        AssertNotFound(await Run("hgetall", "cmd:json-missing", "--json"), "key 'cmd:json-missing' does not exist");
        AssertNotFound(await Run("lrange", "cmd:json-missing", "--json"), "list 'cmd:json-missing' does not exist");
    }

    [Fact]
    public async Task Hget_of_missing_field_or_hash_exits_1()
    {
        await Run("hset", "cmd:hash2", "a", "1");
        AssertNotFound(await Run("hget", "cmd:hash2", "zz"), "field 'zz' of key 'cmd:hash2' does not exist");
        AssertNotFound(await Run("hget", "cmd:hash-missing", "a"), "field 'a' of key 'cmd:hash-missing' does not exist");
        AssertNotFound(await Run("hgetall", "cmd:hash-missing"), "key 'cmd:hash-missing' does not exist");
    }

    [Fact]
    public async Task Lpush_rpush_lrange_llen_and_pops_work_on_a_list()
    {
        AssertOk(await Run("lpush", "cmd:list", "a", "b", "c"), "3");
        AssertOk(await Run("rpush", "cmd:list", "d"), "4");
        AssertOk(await Run("lrange", "cmd:list"), string.Join(Environment.NewLine, "c", "b", "a", "d"));
        AssertOk(await Run("lrange", "cmd:list", "-2", "-1"), string.Join(Environment.NewLine, "a", "d"));
        AssertOk(await Run("llen", "cmd:list"), "4");
        AssertOk(await Run("type", "cmd:list"), "list");
        AssertOk(await Run("rpop", "cmd:list"), "d");
        AssertOk(await Run("lpop", "cmd:list"), "c");
        AssertOk(await Run("llen", "cmd:list"), "2");
    }

    [Fact]
    public async Task Pop_of_missing_or_emptied_list_exits_1()
    {
        await Run("rpush", "cmd:list2", "only");
        AssertOk(await Run("rpop", "cmd:list2"), "only");
        AssertNotFound(await Run("rpop", "cmd:list2"), "list 'cmd:list2' does not exist");
        AssertNotFound(await Run("lpop", "cmd:list2"), "list 'cmd:list2' does not exist");
        AssertOk(await Run("llen", "cmd:list2"), "0");
        AssertNotFound(await Run("lrange", "cmd:list2"), "list 'cmd:list2' does not exist");
    }

    [Fact]
    public async Task Missing_keys_exit_1_for_every_command_that_prints_contents_and_counts_print_0()
    {
        // The rule: a command that prints a key's contents (or acts on an existing key) exits 1 when it is missing;
        // one that prints a count prints 0 and exits 0.
        const string missing = "cmd:nothing-here";
        foreach (string[] command in new string[][] { ["get", missing], ["hget", missing, "f"], ["hgetall", missing], ["lrange", missing], ["lpop", missing], ["ttl", missing], ["type", missing], ["del", missing], ["exists", missing] })
        {
            var result = await Run(command);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', command)}: {result}");
        }

        AssertOk(await Run("llen", missing), "0");
        AssertOk(await Run("invalidate-tag", "cmd:no-such-tag"), "0");
    }

    [Fact]
    public async Task Lrange_of_an_empty_range_of_a_list_that_exists_prints_nothing_and_exits_0()
    {
        await Run("rpush", "cmd:list3", "a", "b");
        AssertOk(await Run("lrange", "cmd:list3", "5", "9"), "");
    }

    [Fact]
    public async Task Type_of_missing_key_prints_none_and_exits_1()
    {
        var result = await Run("type", "cmd:type-missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("none", result.Text);
        AssertOk(await Run("set", "cmd:type", "v"), "OK");
        AssertOk(await Run("type", "cmd:type"), "string");
    }

    [Fact]
    public async Task Get_of_a_hash_exits_2_naming_the_type()
    {
        await Run("hset", "cmd:wrong-hash", "f", "v");

        AssertError(await Run("get", "cmd:wrong-hash"), "key 'cmd:wrong-hash' holds a hash; GET does not apply");
    }

    [Fact]
    public async Task Wrong_type_errors_exit_2_and_change_nothing()
    {
        await Run("set", "cmd:wrong-string", "text");
        await Run("rpush", "cmd:wrong-list", "x");

        AssertError(await Run("incr", "cmd:wrong-string"), "key 'cmd:wrong-string' holds a string that is not a 64-bit integer; INCR does not apply");
        AssertError(await Run("hset", "cmd:wrong-list", "f", "v"), "key 'cmd:wrong-list' holds a list; HSET does not apply");
        AssertError(await Run("lpush", "cmd:wrong-string", "x"), "key 'cmd:wrong-string' holds a string; LPUSH does not apply");
        AssertError(await Run("rpop", "cmd:wrong-string"), "key 'cmd:wrong-string' holds a string; RPOP does not apply");
        AssertOk(await Run("get", "cmd:wrong-string"), "text");
        AssertOk(await Run("llen", "cmd:wrong-list"), "1");
    }

    [Fact]
    public async Task Bad_input_the_client_refuses_exits_2()
    {
        AssertError(await Run("decr", "cmd:bad", "-9223372036854775808"), "A decrement of long.MinValue cannot be negated; increment by long.MinValue instead.");
        AssertError(await Run("set", "cmd:bad", "v", "--ttl", "3651d"), "--ttl 3651d is longer than the grid allows (at most 3650d: the silos' Grid:Limits:MaxTimeToLive)");
        AssertError(await Run("set", "cmd:bad", "v", "--sliding", "3651d"), "--sliding 3651d is longer than the grid allows (at most 3650d: the silos' Grid:Limits:MaxTimeToLive)");
        AssertError(await Run("expire", "cmd:bad", "3651d"), "TTL 3651d is longer than the grid allows (at most 3650d: the silos' Grid:Limits:MaxTimeToLive)");
        AssertNotFound(await Run("get", "cmd:bad"), "key 'cmd:bad' does not exist");
    }

    [Fact]
    public async Task Stats_prints_a_row_per_silo_and_a_total()
    {
        await Run("set", "cmd:stats", "v");

        var result = await Run("stats");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Text.Split(Environment.NewLine).TakeWhile(line => line.Length > 0).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal(["silo", "owned", "live", "entries", "bytes", "budget", "hits", "misses", "evictions", "expirations"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("total ", lines[3], StringComparison.Ordinal);
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));
        var totals = lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1024", totals[1]);   // every partition has an owner, live or not
        Assert.True(int.Parse(totals[2], System.Globalization.CultureInfo.InvariantCulture) >= 1, result.Out);
        Assert.True(long.Parse(totals[3], System.Globalization.CultureInfo.InvariantCulture) >= 1, result.Out);
        Assert.Matches(@" \d+(\.\d)? (B|KiB|MiB|GiB) ", lines[3]);
        Assert.All(lines[1..3], line => Assert.True(int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) > 300, result.Out));
    }

    [Fact]
    public async Task Hotkeys_prints_the_most_read_key_first()
    {
        await Run("set", "cmd:hot", "v");
        for (int i = 0; i < 200; i++)
        {
            await fixture.Cache.GetAsync("cmd:hot", Grid.Client.GridReadOptions.SkipNearCache);
        }

        var result = await Run("hotkeys", "--top", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Text.Split(Environment.NewLine);
        Assert.Equal(["key", "reads/s", "writes/s", "silo"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.InRange(lines.Length, 2, 4);
        Assert.Contains(lines[1..], line => line.StartsWith("cmd:hot ", StringComparison.Ordinal));

        var json = await Run("hotkeys", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.True(document.RootElement.GetArrayLength() >= 1);
        Assert.True(document.RootElement[0].TryGetProperty("readsPerSecond", out _));
    }

    [Fact]
    public async Task Hotkeys_with_a_bad_top_is_a_usage_error()
    {
        var result = await Run("hotkeys", "--top", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--top must be between 1 and 1024 (it is 0).", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_json_prints_silos_and_total()
    {
        var result = await Run("stats", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var silos = json.RootElement.GetProperty("silos");
        Assert.Equal(2, silos.GetArrayLength());
        var total = json.RootElement.GetProperty("total");
        Assert.Equal("total", total.GetProperty("silo").GetString());
        Assert.Equal(1024, total.GetProperty("ownedPartitions").GetInt32());
        Assert.Equal(1024, silos.EnumerateArray().Sum(s => s.GetProperty("ownedPartitions").GetInt32()));
        Assert.Equal(
            silos.EnumerateArray().Sum(s => s.GetProperty("entries").GetInt64()),
            total.GetProperty("entries").GetInt64());
        Assert.True(total.GetProperty("budget").GetInt64() > 0);
    }

    [Fact]
    public async Task Stats_reports_hit_ratio_latency_throughput_reads_by_level_and_the_hourly_history()
    {
        await Run("set", "cmd:analytics", "v");
        await Run("get", "cmd:analytics");
        await Run("get", "cmd:analytics-missing");

        var result = await Run("stats");

        Assert.Equal(0, result.ExitCode);
        var text = result.Out;
        Assert.Contains("analytics: 2 silo(s)", text, StringComparison.Ordinal);
        Assert.Matches(@"hit ratio\s+\d+\.\d %", text);
        Assert.Matches(@"latency\s+avg \d+\.\d{3} ms, p99 \d+\.\d{3} ms", text);
        Assert.Matches(@"throughput\s+\d+\.\d ops/s \(last minute\)", text);
        Assert.Matches(@"reads by level\s+l1 \d+\.\d %, grid \d+\.\d %, miss \d+\.\d %", text);
        var history = text.Split(Environment.NewLine).SkipWhile(line => !line.StartsWith("hour (UTC)", StringComparison.Ordinal)).Where(line => line.Length > 0).ToArray();
        Assert.True(history.Length >= 2, text);
        Assert.Equal(["hour", "(UTC)", "operations", "ops/s", "hit", "ratio", "avg", "ms", "p99", "ms", "evictions", "expirations"], history[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:00\s+[1-9]\d*\s", history[^1]);
    }

    [Fact]
    public async Task Stats_json_carries_the_analytics_report()
    {
        await Run("set", "cmd:analytics-json", "v");
        await Run("get", "cmd:analytics-json");

        var result = await Run("stats", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var analytics = json.RootElement.GetProperty("analytics");
        Assert.Equal(2, analytics.GetProperty("silos").GetInt32());
        Assert.True(analytics.GetProperty("operations").GetInt64() >= 2, result.Out);
        Assert.True(analytics.GetProperty("grid").GetProperty("hits").GetInt64() >= 1, result.Out);
        Assert.InRange(analytics.GetProperty("hitRatio").GetDouble(), 0, 1);
        Assert.True(analytics.GetProperty("averageLatencyMs").GetDouble() > 0, result.Out);
        Assert.True(analytics.GetProperty("p99LatencyMs").GetDouble() >= analytics.GetProperty("averageLatencyMs").GetDouble() * 0.5, result.Out);
        Assert.True(analytics.GetProperty("operationsPerSecond").GetDouble() > 0, result.Out);
        var distribution = analytics.GetProperty("distribution");
        Assert.Equal(1.0, distribution.GetProperty("nearCache").GetDouble() + distribution.GetProperty("grid").GetDouble() + distribution.GetProperty("miss").GetDouble(), 6);
        var hourly = analytics.GetProperty("hourly");
        Assert.InRange(hourly.GetArrayLength(), 1, 24);
        Assert.True(hourly[hourly.GetArrayLength() - 1].GetProperty("operations").GetInt64() >= 2, result.Out);
    }
}
