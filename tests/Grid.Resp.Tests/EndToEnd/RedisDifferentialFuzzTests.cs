using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// Differential fuzzing against a real redis-server: random command sequences from fixed seeds (strings and SET's
/// options, counters, expiries, hashes, lists, multi-key commands, with wrong arities, wrong types, malformed numbers and
/// repeated or conflicting options; see <see cref="RespCommandGenerator"/>) go to redis-server and to the grid's RESP
/// endpoint, and every reply must be the same bytes. It guards the differences a Python differential fuzzer found (and
/// that were fixed): SET NX/XX with a past EXAT/PXAT, repeated expiry options, non-canonical stored integers, GETEX's
/// order of checks, the quoting of client bytes in errors, and whatever else a change to the endpoint brings in.
/// </summary>
/// <remarks>
/// Only what is legitimately not the same is normalised: TTL and PTTL within 2 s / 2000 ms (the two servers run the
/// sequence at slightly different moments), and the order of HGETALL's fields and KEYS's keys (Redis promises none; the
/// README documents the grid's). The differences the README documents as intended are not generated at all.
/// Each sequence has keys of its own (run id, seed and sequence number), so runs and other tests never share a key.
/// </remarks>
[Collection(RespServersCollection.Name)]
public sealed class RedisDifferentialFuzzTests(RespServersFixture servers, ITestOutputHelper output)
{
    private const int SequencesPerSeed = 60;

    /// <summary>The last sequence of each seed is this long, pipelined, to let state build up on a few keys.</summary>
    private const int LongSequenceLength = 400;

    /// <summary>Whole mismatching sequences shown in a failure message; the rest are counted.</summary>
    private const int MismatchesShown = 3;

    private static readonly TimeSpan TtlTolerance = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Random_command_sequences_get_the_replies_redis_server_gives(int seed)
    {
        var random = new Random(seed);
        // The run id keeps this run's keys apart from other tests' and other runs'. It is the same length every run, so
        // the length of every key (which the quoting in error replies depends on) is the same for a seed.
        string runId = Guid.NewGuid().ToString("N")[..12];
        var mismatches = new List<string>();
        int commandsSent = 0;
        for (int index = 0; index < SequencesPerSeed; index++)
        {
            bool isLong = index == SequencesPerSeed - 1;
            var shape = new SequenceShape(
                OneHashTag: random.Next(2) == 0,
                Resp3: random.Next(10) < 3,
                // A pipeline (one write) and one command per round trip take different paths through the endpoint.
                Pipelined: isLong || random.Next(10) < 4);
            int length = isLong ? LongSequenceLength : random.Next(5, 41);
            string keyPrefix = string.Create(CultureInfo.InvariantCulture, $"dfz.{runId}.{seed}.{index:D3}");
            var generator = new RespCommandGenerator(random, keyPrefix, shape.OneHashTag, DateTimeOffset.UtcNow);
            string[][] commands = [.. Enumerable.Range(0, length).Select(_ => generator.Next())];
            commandsSent += commands.Length;

            // Both at once, so TTLs are read at nearly the same moment on both servers.
            var redisRun = RunAsync(servers.RedisPort, commands, shape);
            var gridRun = RunAsync(servers.GridPort, commands, shape);
            var redisReplies = await redisRun;
            var gridReplies = await gridRun;

            int first = FirstDifference(commands, redisReplies, gridReplies);
            if (first >= 0)
            {
                mismatches.Add(Describe(seed, index, shape, commands, redisReplies, gridReplies, first));
            }
        }

        output.WriteLine($"seed {seed}: {SequencesPerSeed} sequences, {commandsSent} commands to each server, {mismatches.Count} differing");
        if (mismatches.Count > 0)
        {
            Assert.Fail(
                $"{mismatches.Count} of {SequencesPerSeed} sequences of seed {seed} got replies from the grid that redis-server does not give" +
                $" (the first {Math.Min(MismatchesShown, mismatches.Count)} below).\n\n" + string.Join("\n\n", mismatches.Take(MismatchesShown)));
        }
    }

    /// <summary>How one sequence is sent: keys under one hash tag or spread, RESP3 (after HELLO 3) or RESP2, pipelined or not.</summary>
    private readonly record struct SequenceShape(bool OneHashTag, bool Resp3, bool Pipelined)
    {
        public override string ToString() =>
            $"{(Pipelined ? "pipelined in one write" : "one command per round trip")}, {(Resp3 ? "RESP3 after HELLO 3" : "RESP2")}, " +
            $"{(OneHashTag ? "keys under one hash tag" : "keys spread over partitions")}";
    }

    /// <summary>Sends the sequence on a fresh connection and reads one reply per command.</summary>
    private static async Task<IReadOnlyList<ExactReply>> RunAsync(int port, string[][] commands, SequenceShape shape)
    {
        await using var client = await RawRespClient.ConnectAsync(port);
        if (shape.Resp3)
        {
            // HELLO's reply names the server, its version and the connection's id: it is not compared.
            await client.SendRawAsync(Frame(["HELLO", "3"]));
            await ExactReply.ReadAsync(client);
        }

        var replies = new List<ExactReply>(commands.Length);
        if (shape.Pipelined)
        {
            // Replies are read while the write is under way, so neither side can stall on a full socket buffer.
            var write = client.SendRawAsync(commands.SelectMany(Frame).ToArray());
            foreach (var _ in commands)
            {
                replies.Add(await ExactReply.ReadAsync(client));
            }

            await write;
        }
        else
        {
            foreach (var command in commands)
            {
                await client.SendRawAsync(Frame(command));
                replies.Add(await ExactReply.ReadAsync(client));
            }
        }

        return replies;
    }

    /// <summary>A command as a RESP array of bulk strings; each char of an argument is one byte.</summary>
    private static byte[] Frame(string[] command)
    {
        var frame = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (string argument in command)
        {
            frame.Append(CultureInfo.InvariantCulture, $"${argument.Length}\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.Latin1.GetBytes(frame.ToString());
    }

    /// <summary>The index of the first command whose replies differ, or -1.</summary>
    private static int FirstDifference(string[][] commands, IReadOnlyList<ExactReply> redis, IReadOnlyList<ExactReply> grid)
    {
        for (int i = 0; i < commands.Length; i++)
        {
            if (!SameReply(commands[i], redis[i], grid[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The same bytes, but for what is legitimately not the same from one server to the other.</summary>
    private static bool SameReply(string[] command, ExactReply redis, ExactReply grid)
    {
        if (redis.Raw.AsSpan().SequenceEqual(grid.Raw))
        {
            return true;
        }

        return command[0].ToUpperInvariant() switch
        {
            // A TTL left (not -1 or -2) counts down on each server from the moment it ran the sequence.
            "TTL" => CloseTtls(redis, grid, (long)TtlTolerance.TotalSeconds),
            "PTTL" => CloseTtls(redis, grid, (long)TtlTolerance.TotalMilliseconds),
            // Redis promises no order of a hash's fields (README: the grid puts a field added after a deletion in the
            // freed place), so the field/value pairs are compared as a set.
            "HGETALL" => redis.Header.AsSpan().SequenceEqual(grid.Header) && SameItems(Pairs(redis), Pairs(grid)),
            // KEYS lists in the server's own order (README: partition by partition in the grid).
            "KEYS" => redis.Header.AsSpan().SequenceEqual(grid.Header) && SameItems(redis.Elements.Select(Convert.ToHexString), grid.Elements.Select(Convert.ToHexString)),
            _ => false,
        };

        static bool CloseTtls(ExactReply redis, ExactReply grid, long tolerance) =>
            redis.Integer is long expected && grid.Integer is long actual && expected >= 0 && actual >= 0 && Math.Abs(expected - actual) <= tolerance;

        static IEnumerable<string> Pairs(ExactReply reply) =>
            reply.Elements.Chunk(2).Select(pair => string.Join("/", pair.Select(Convert.ToHexString)));

        static bool SameItems(IEnumerable<string> expected, IEnumerable<string> actual) =>
            expected.Order(StringComparer.Ordinal).SequenceEqual(actual.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>
    /// Everything needed to reproduce a mismatch: seed, sequence, how it was sent, each command (in redis-cli's quoting,
    /// so it can be pasted) with redis-server's reply, both replies of the first that differs, and the commands after it.
    /// </summary>
    private static string Describe(int seed, int index, SequenceShape shape, string[][] commands,
        IReadOnlyList<ExactReply> redis, IReadOnlyList<ExactReply> grid, int first)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Seed {seed}, sequence {index} ({shape}), {commands.Length} commands: ")
            .Append(CultureInfo.InvariantCulture, $"the replies differ first at command {first}:\n")
            .Append(CultureInfo.InvariantCulture, $"  command:      {ShowCommand(commands[first])}\n")
            .Append(CultureInfo.InvariantCulture, $"  redis-server: {ExactReply.Show(redis[first].Raw)}\n")
            .Append(CultureInfo.InvariantCulture, $"  grid:         {ExactReply.Show(grid[first].Raw)}\n")
            .Append("The whole sequence (command -> redis-server's reply; the grid's where it differs):\n");
        for (int i = 0; i < commands.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {i,3}  {ShowCommand(commands[i])}  ->  {ExactReply.Show(redis[i].Raw)}");
            if (!SameReply(commands[i], redis[i], grid[i]))
            {
                text.Append(CultureInfo.InvariantCulture, $"  | grid: {ExactReply.Show(grid[i].Raw)}");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A command in redis-cli's syntax: plain arguments as they are, others double-quoted with \xNN escapes.</summary>
    private static string ShowCommand(string[] command) => string.Join(' ', command.Select(ShowArgument));

    private static string ShowArgument(string argument)
    {
        if (argument.Length > 0 && argument.All(c => c is > ' ' and < (char)0x7F and not '"' and not '\''))
        {
            return argument;
        }

        return "\"" + ExactReply.Show(Encoding.Latin1.GetBytes(argument)).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
