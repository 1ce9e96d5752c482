namespace Grid.Resp.Tests.EndToEnd;

/// <summary>
/// <c>redis-cli --pipe</c> of half a million 100-byte SETs into a fresh silo (its own, so every partition activates
/// during the insert and the grid is slowest just as the client writes fastest). The endpoint takes the input a bounded
/// number of commands at a time and, across connections, waits for room among the grid client's outstanding writes,
/// so nothing is refused. Before, the whole backlog was parsed and sent at once, and about one write in eleven of a
/// million-key insert answered "This client has 65536 writes outstanding" and was lost.
/// </summary>
public sealed class MassInsertTests : IAsyncLifetime
{
    private RespSilo? _silo;
    private int _port;

    public async Task InitializeAsync()
    {
        _silo = await RespSilo.StartAsync();
        _port = _silo.Port;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    /// <summary>
    /// 3,000 pipelined MSETs of 100 keys each: every write answered and readable. A round of 1,024 such commands held
    /// 102,400 writes, past the grid client's 65,536 outstanding, and was refused whole (`errors: 1024, replies: 3000`
    /// in 1 of 4 runs beside a CI run); rounds and the endpoint's budget now count arguments too.
    /// </summary>
    [Fact]
    public Task Redis_cli_pipe_of_multi_key_sets_inserts_300_000_keys_without_an_error() =>
        RedisTool.PipeMultiSetsAndCheckAsync(_port, "mass.m", 3_000, 100);

    /// <summary>
    /// One MSET of 100,000 keys (Redis takes it): its partitions' ordered calls together number more writes than the grid
    /// client lets be outstanding (65,536), so before 2026-12-05 the last of them were refused with
    /// "This client has 65536 writes outstanding" and the MSET answered that error (reproduced with the client of
    /// 459e60d: `errors: 1, replies: 1`); now the rest wait for room.
    /// </summary>
    [Fact]
    public Task Redis_cli_pipe_of_one_MSET_of_100_000_keys_sets_them_all() =>
        RedisTool.PipeMultiSetsAndCheckAsync(_port, "mass.one", 1, 100_000);

    [Fact]
    public Task Redis_cli_pipe_mass_inserts_half_a_million_keys_into_a_fresh_silo_without_an_error() =>
        RedisTool.PipeAndCheckAsync(_port, "mass.k", 500_000, valueSize: 100);
}
