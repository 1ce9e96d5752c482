using System.Buffers;
using System.IO.Pipelines;
using Grid.Resp.Commands;
using Grid.Resp.Hosting;
using Grid.Resp.Protocol;

namespace Grid.Resp.Connections;

/// <summary>
/// One client connection: reads what the transport has, parses its whole commands (at most
/// <see cref="MaxCommandsPerRound"/> and <see cref="MaxArgumentsPerRound"/> arguments at a time), runs them as one pipeline (<see cref="CommandPipeline"/>) within the
/// endpoint's <see cref="CommandBudget"/>, writes the replies in order (then any tracking invalidations) and flushes once
/// per round. A protocol error is answered after the replies of the commands before it, then the connection closes, as in
/// Redis.
/// <para>
/// Bounds, so one client cannot hold the silo's resources: replies are counted as they are written and the connection
/// is dropped once they pass <c>MaxOutputBufferBytes</c>, or once a flush finds that many bytes still unsent (the
/// transport's write buffer is that size: a client that never reads fills it); a command must arrive whole within
/// <c>CommandTimeout</c> of its first bytes (a client trickling a frame, or stopping inside one); an incomplete command
/// may hold at most <c>MaxQueryBufferBytes</c> of input (Redis's query buffer limit, also where the transport stops
/// reading until the connection has run what it holds); a silent
/// client is closed after <c>IdleTimeout</c>; half-open connections are found by TCP keepalive (<see cref="RespServer"/>).
/// </para>
/// </summary>
internal sealed class RespConnection(IDuplexPipe transport, RespGrid grid, RespCommandTable table, RespSession session, Action abort) : IDisposable
{
    /// <summary>
    /// Most commands one round runs (parsed, sent to the grid, answered, flushed) before the next whole commands of the
    /// input are parsed. A client that pipelines faster than the grid answers (<c>redis-cli --pipe</c>) leaves a backlog
    /// in the input; taken whole, it became one round of hundreds of thousands of commands, with their arguments and
    /// replies held at once, and writes beyond the grid client's outstanding bound refused. Redis takes what one read of
    /// 16 KiB holds; a round of up to this many keeps the grid's batches full.
    /// </summary>
    internal const int MaxCommandsPerRound = 1024;

    /// <summary>
    /// Most arguments one round takes (its first command whatever its size): a round of 1,024 MSETs of 100 keys held
    /// 102,400 writes, which the grid client behind the endpoint refused whole (65,536 outstanding at most); arguments
    /// bound the ops a round can make (each op takes at least one).
    /// </summary>
    internal const int MaxArgumentsPerRound = 16_384;

    private readonly RespArguments _arguments = new();
    private readonly RespParseProgress _progress = new();
    private readonly List<RespCommandRange> _commands = [];

    /// <summary>Serves the connection until the client leaves, sends QUIT, breaks the protocol or a bound.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var input = transport.Input;
        var output = transport.Output;
        var writer = new RespWriter(output);
        session.Wake = input.CancelPendingRead;
        var context = new RespContext(writer, session, grid);
        var pipeline = new CommandPipeline(context, table);
        var limits = grid.Limits;
        var idle = grid.Options.IdleTimeout;
        var commandTimeout = grid.Options.CommandTimeout;
        long incompleteSince = 0;
        bool armed = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            while (true)
            {
                var wait = idle;
                if (incompleteSince != 0 && commandTimeout > TimeSpan.Zero)
                {
                    // The rest of the command must come within what is left of its time.
                    var left = commandTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - incompleteSince);
                    if (left <= TimeSpan.Zero)
                    {
                        return;
                    }

                    wait = wait > TimeSpan.Zero && wait < left ? wait : left;
                }

                if (wait > TimeSpan.Zero)
                {
                    timeout.CancelAfter(wait);
                    armed = true;
                }
                else if (armed)
                {
                    timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                    armed = false;
                }

                ReadResult read;
                try
                {
                    read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                session.LastActiveAt = Environment.TickCount64;
                var buffer = read.Buffer;
                // A full round may have left whole commands behind (more): they are not an incomplete command, and the
                // next read must return them at once rather than wait for more input.
                var consumed = Parse(buffer, limits, out byte[]? protocolError, out bool oversized, out bool more);
                bool progressed = _commands.Count > 0;
                if (progressed)
                {
                    // Arguments bound the ops the round makes, so the budget counts them.
                    int weight = _arguments.Count;
                    var budget = grid.Budget;
                    await budget.AcquireAsync(weight).ConfigureAwait(false);
                    try
                    {
                        await pipeline.RunAsync(_commands, _arguments).ConfigureAwait(false);
                    }
                    finally
                    {
                        budget.Release(weight);
                    }
                }

                _arguments.Clear();
                long unparsed = buffer.Length - buffer.GetOffset(consumed);
                input.AdvanceTo(consumed, more ? consumed : buffer.End);
                if (protocolError is not null && !session.Closing)
                {
                    writer.WriteRaw(protocolError);
                    session.Closing = true;
                }

                if (oversized)
                {
                    // A whole command larger than the query buffer (it came in faster than the transport paused): the
                    // same bound as for an incomplete one, closed without a reply and not run.
                    abort();
                    return;
                }

                if (unparsed > 0 && protocolError is null && !more)
                {
                    if (unparsed >= grid.Options.MaxQueryBufferBytes)
                    {
                        // Redis's client-query-buffer-limit: closed without a reply.
                        abort();
                        return;
                    }

                    if (progressed || incompleteSince == 0)
                    {
                        incompleteSince = Environment.TickCount64;
                    }
                }
                else
                {
                    incompleteSince = 0;
                }

                session.Tracking?.WritePushes(writer);
                if (writer.Written > grid.Options.MaxOutputBufferBytes)
                {
                    // The replies of one read outgrew the output bound: drop them and the connection (Redis's client output
                    // buffer limit). Aborted, not completed: completing the pipe would send what was written.
                    abort();
                    return;
                }

                if (writer.Written > 0)
                {
                    var flushed = await FlushAsync(output, stopping, abort).ConfigureAwait(false);
                    writer.ResetCount();
                    if (!flushed)
                    {
                        return;
                    }
                }

                // A cancelled read is a wake-up for tracking invalidations (written above): the connection goes on.
                if (session.Closing || (read.IsCompleted && !more))
                {
                    return;
                }
            }
        }
        finally
        {
            if (session.Tracking is { } tracking)
            {
                grid.Tracking.Disable(tracking);
            }
        }
    }

    /// <summary>Parses the whole commands of <paramref name="buffer"/>, at most <see cref="MaxCommandsPerRound"/> (and <see cref="MaxArgumentsPerRound"/> arguments); returns where the unparsed rest starts.</summary>
    /// <remarks>
    /// <paramref name="oversized"/>: a whole command spans more than <c>MaxQueryBufferBytes</c>; parsing stops before it.
    /// (The transport stops reading at that bound, but the receive that crosses it can complete a command beyond it.)
    /// </remarks>
    private SequencePosition Parse(in ReadOnlySequence<byte> buffer, in RespLimits limits, out byte[]? protocolError, out bool oversized, out bool more)
    {
        var reader = new SequenceReader<byte>(buffer);
        _commands.Clear();
        _arguments.Clear();
        protocolError = null;
        oversized = false;
        more = false;
        long maxCommandBytes = grid.Options.MaxQueryBufferBytes;
        while (true)
        {
            if (_commands.Count == MaxCommandsPerRound || _arguments.Count >= MaxArgumentsPerRound)
            {
                more = true;
                break;
            }

            var start = reader.Position;
            long startOffset = reader.Consumed;
            if (RespParser.TryParse(ref reader, _arguments, limits, _progress, out var command, out protocolError) != RespParseStatus.Command)
            {
                break;
            }

            if (reader.Consumed - startOffset > maxCommandBytes)
            {
                oversized = true;
                return start;
            }

            _commands.Add(command);
        }

        return reader.Position;
    }

    /// <summary>
    /// Flushes; false when the client is gone or has more than the output bound unsent: the transport's write buffer is
    /// <c>MaxOutputBufferBytes</c>, so a flush that does not complete (within a short grace, for a TLS layer between)
    /// means the client left that much unread. The connection is then aborted, its replies dropped.
    /// </summary>
    private static async ValueTask<bool> FlushAsync(PipeWriter output, CancellationToken stopping, Action abort)
    {
        try
        {
            var flush = output.FlushAsync(stopping);
            if (flush.IsCompleted)
            {
                return !flush.Result.IsCompleted;
            }

            var pending = flush.AsTask();
            if (await Task.WhenAny(pending, Task.Delay(OutputGrace, stopping)).ConfigureAwait(false) != pending)
            {
                abort();
                return false;
            }

            return !(await pending.ConfigureAwait(false)).IsCompleted;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>How long a flush over the output bound may wait for the client before the connection is dropped.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    /// <summary>Returns the pooled argument array.</summary>
    public void Dispose() => _arguments.Dispose();
}
