using System.Buffers;
using System.IO.Pipelines;
using Grid.Resp.Commands;
using Grid.Resp.Hosting;
using Grid.Resp.Protocol;

namespace Grid.Resp.Connections;

/// <summary>
/// One client connection: reads what the transport has, parses every whole command in it, runs them as one pipeline
/// (<see cref="CommandPipeline"/>), writes the replies in order and flushes once per read. A protocol error is
/// answered after the replies of the commands before it, then the connection closes, as in Redis.
/// </summary>
internal sealed class RespConnection(IDuplexPipe transport, RespGrid grid, RespCommandTable table, RespSession session, Action abort) : IDisposable
{
    private readonly RespArguments _arguments = new();
    private readonly List<RespCommandRange> _commands = [];

    /// <summary>Serves the connection until the client leaves, sends QUIT, breaks the protocol or goes idle too long.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var input = transport.Input;
        var output = transport.Output;
        var writer = new RespWriter(output);
        var context = new RespContext(writer, session, grid);
        var pipeline = new CommandPipeline(context, table);
        var limits = grid.Limits;
        var idle = grid.Options.IdleTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        while (true)
        {
            if (idle > TimeSpan.Zero)
            {
                timeout.CancelAfter(idle);
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
            var consumed = Parse(buffer, limits, out byte[]? protocolError);
            if (_commands.Count > 0)
            {
                await pipeline.RunAsync(_commands, _arguments).ConfigureAwait(false);
            }

            _arguments.Clear();
            input.AdvanceTo(consumed, buffer.End);
            if (protocolError is not null && !session.Closing)
            {
                writer.WriteRaw(protocolError);
                session.Closing = true;
            }

            if (writer.Written > grid.Options.MaxOutputBufferBytes)
            {
                // The replies of one read outgrew the output bound: drop them and the connection (Redis's client output
                // buffer limit). Aborted, not completed: completing the pipe would send what was written.
                abort();
                return;
            }

            if (writer.Written > 0)
            {
                var flushed = await FlushAsync(output, idle, stopping).ConfigureAwait(false);
                writer.ResetCount();
                if (!flushed)
                {
                    return;
                }
            }

            if (session.Closing || read.IsCompleted || read.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>Parses every whole command of <paramref name="buffer"/>; returns where the unparsed rest starts.</summary>
    private SequencePosition Parse(in ReadOnlySequence<byte> buffer, in RespLimits limits, out byte[]? protocolError)
    {
        var reader = new SequenceReader<byte>(buffer);
        _commands.Clear();
        _arguments.Clear();
        while (RespParser.TryParse(ref reader, _arguments, limits, out var command, out protocolError) == RespParseStatus.Command)
        {
            _commands.Add(command);
        }

        return reader.Position;
    }

    /// <summary>Flushes; false when the client is gone, or (with an idle timeout) did not read its replies within it.</summary>
    private static async ValueTask<bool> FlushAsync(PipeWriter output, TimeSpan idle, CancellationToken stopping)
    {
        try
        {
            if (idle <= TimeSpan.Zero)
            {
                return !(await output.FlushAsync(stopping).ConfigureAwait(false)).IsCompleted;
            }

            using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            bound.CancelAfter(idle);
            return !(await output.FlushAsync(bound.Token).ConfigureAwait(false)).IsCompleted;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Returns the pooled argument array.</summary>
    public void Dispose() => _arguments.Dispose();
}
