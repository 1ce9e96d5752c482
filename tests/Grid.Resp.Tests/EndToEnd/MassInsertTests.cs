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

    [Fact]
    public Task Redis_cli_pipe_mass_inserts_half_a_million_keys_into_a_fresh_silo_without_an_error() =>
        RedisTool.PipeAndCheckAsync(_port, "mass.k", 500_000, valueSize: 100);
}
