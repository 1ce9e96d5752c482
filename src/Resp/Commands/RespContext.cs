using Grid.Protocol;
using Grid.Resp.Connections;
using Grid.Resp.Hosting;
using Grid.Resp.Protocol;

namespace Grid.Resp.Commands;

/// <summary>What a command sees of its connection: the reply writer, the session, the grid, and the batch being built.</summary>
internal sealed class RespContext(RespWriter writer, RespSession session, RespGrid grid)
{
    /// <summary>The connection's reply writer.</summary>
    public RespWriter Writer { get; } = writer;

    /// <summary>The connection's own state.</summary>
    public RespSession Session { get; } = session;

    /// <summary>The grid.</summary>
    public RespGrid Grid { get; } = grid;

    /// <summary>The ops of the socket read being planned (the pipeline sends them).</summary>
    internal List<GridOp> Ops { get; } = [];

    /// <summary>The error a planner recorded for its command (null: none).</summary>
    internal string? Error { get; set; }

    /// <summary>
    /// Set by a planner whose command, with the options it was given, needs earlier answers for its later steps (SET
    /// ... GET, SET ... KEEPTTL): the pipeline sends the batch before it, then runs this instead.
    /// </summary>
    internal CommandRunner? Deferred { get; set; }

    /// <summary>Adds an op to the batch; its result is the command's next one.</summary>
    public void AddOp(GridOp op) => Ops.Add(op);

    /// <summary>Planning found the command invalid: it adds no op and is answered <paramref name="error"/>.</summary>
    public long Fail(string error)
    {
        Error = error;
        return 0;
    }

    /// <summary>Planning hands the command to <paramref name="runner"/>, which runs it step by step (no op is added).</summary>
    public long Defer(CommandRunner runner)
    {
        Deferred = runner;
        return 0;
    }

    /// <summary>Unix time in ms.</summary>
    public long NowMs => Grid.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs one op now (sequential commands); a failure to reach the grid becomes an error result.</summary>
    public async ValueTask<GridResult> ExecuteAsync(GridOp op)
    {
        try
        {
            return await Grid.Dispatcher.ExecuteAsync(op, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return GridResult.Failure(ResultStatus.Error, ex.Message);
        }
    }
}
