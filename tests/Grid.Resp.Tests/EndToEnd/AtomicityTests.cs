using System.Globalization;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>Read-then-write commands are atomic, as in Redis: concurrent connections never lose an APPEND or see a GETSET value twice.</summary>
[Collection(RespServersCollection.Name)]
public sealed class AtomicityTests(RespServersFixture servers)
{
    [Fact]
    public async Task Concurrent_appends_are_never_lost()
    {
        const int Clients = 8;
        const int Appends = 200;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            await using var client = await RawRespClient.ConnectAsync(servers.GridPort);
            for (int i = 0; i < Appends; i++)
            {
                // One at a time per connection: the connections interleave.
                await client.RunAsync(["append atomic.append x"]);
            }
        }));

        await using var reader = await RawRespClient.ConnectAsync(servers.GridPort);
        Assert.Equal($":{Clients * Appends}\r\n", await reader.RunAsync(["strlen atomic.append"]));
    }

    [Fact]
    public async Task Concurrent_getsets_hand_each_value_to_exactly_one_caller()
    {
        const int Clients = 8;
        const int Swaps = 100;
        await using (var setup = await RawRespClient.ConnectAsync(servers.GridPort))
        {
            Assert.Equal("+OK\r\n", await setup.RunAsync(["set atomic.swap start"]));
        }

        var olds = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            var seen = new List<string>();
            await using var client = await RawRespClient.ConnectAsync(servers.GridPort);
            for (int i = 0; i < Swaps; i++)
            {
                seen.Add((string)RespReply.Parse(await client.RunAsync([string.Create(CultureInfo.InvariantCulture, $"getset atomic.swap v{c}.{i}")]))!);
            }

            return seen;
        }));

        await using var reader = await RawRespClient.ConnectAsync(servers.GridPort);
        string last = (string)RespReply.Parse(await reader.RunAsync(["get atomic.swap"]))!;

        // Every value written, and the first, is either answered once as an old value or is the last one.
        var answered = olds.SelectMany(o => o).Append(last).ToList();
        Assert.Equal(Clients * Swaps + 1, answered.Count);
        Assert.Equal(answered.Count, answered.Distinct().Count());
        Assert.Contains("start", answered);
    }
}
