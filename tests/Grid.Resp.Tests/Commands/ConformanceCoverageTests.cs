using Grid.Resp.Commands;
using Grid.Resp.Tests.EndToEnd;

namespace Grid.Resp.Tests.Commands;

/// <summary>
/// Every command the endpoint knows is compared with a real redis-server's answers: in a case of
/// <see cref="RedisConformanceTests"/>, or in the test named here, when its answers depend on state a byte-for-byte script
/// cannot share (a password, connection ids, tracking pushes, a key space other tests write to) or it is the grid's own.
/// A command added to the table without such a test fails here.
/// </summary>
public sealed class ConformanceCoverageTests
{
    /// <summary>Commands checked outside the scripted cases, and where.</summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dbsize"] = nameof(DbSizeTests),
        ["quit"] = $"{nameof(RedisConformanceTests)}.{nameof(RedisConformanceTests.Protocol_errors_and_quit_answer_as_redis_then_close)}, {nameof(AuthTests)}",
        ["grid.invalidatetag"] = $"{nameof(KeyspaceTests)}.{nameof(KeyspaceTests.Tags_set_with_set_are_invalidated_by_grid_invalidatetag)} (the grid's own)",
        ["grid.invalidatepattern"] = $"{nameof(KeyspaceTests)}.{nameof(KeyspaceTests.Grid_invalidatepattern_removes_matching_keys_and_answers_the_count)} (the grid's own)",
    };

    [Fact]
    public void Every_command_is_compared_with_redis_server_or_named_here()
    {
        var scripted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in RedisConformanceTests.Cases)
        {
            foreach (string command in (string[])row[1])
            {
                scripted.Add(command.Split(' ', 2)[0]);
            }
        }

        var missing = new List<string>();
        foreach (string name in new RespCommandTable().All.Keys)
        {
            if (!scripted.Contains(name) && !CoveredElsewhere.ContainsKey(name))
            {
                missing.Add(name);
            }
        }

        missing.Sort(StringComparer.Ordinal);
        Assert.True(missing.Count == 0, $"no conformance case or named test for: {string.Join(", ", missing)}");
    }
}
