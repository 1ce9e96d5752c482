namespace Grid.AspNetCore.Edge;

/// <summary>
/// Stands in for the response body while the application writes a response that may be cached: it keeps the bytes
/// (up to a limit) so the middleware can hash them for the ETag and store them. At the first write it asks whether
/// the response can be cached at all (status, headers); if not, or when the body outgrows the limit, it passes
/// everything through to the real body from then on (after letting the middleware set its headers).
/// </summary>
internal sealed class EdgeResponseBuffer : Stream
{
    private readonly Stream _inner;
    private readonly int _limit;
    private readonly Func<bool> _mayBuffer;
    private readonly Action _beforePassThrough;
    private MemoryStream? _buffer = new();
    private bool _decided;

    /// <param name="inner">The real response body.</param>
    /// <param name="limit">Most bytes kept.</param>
    /// <param name="mayBuffer">Asked at the first write: false sends the response through uncached.</param>
    /// <param name="beforePassThrough">Called once, before the first byte goes to <paramref name="inner"/>.</param>
    public EdgeResponseBuffer(Stream inner, int limit, Func<bool> mayBuffer, Action beforePassThrough)
    {
        _inner = inner;
        _limit = limit;
        _mayBuffer = mayBuffer;
        _beforePassThrough = beforePassThrough;
    }

    /// <summary>True once the response went (or goes) straight to the real body.</summary>
    public bool PassedThrough => _buffer is null;

    /// <summary>The whole body, when it was buffered.</summary>
    public ReadOnlyMemory<byte> Buffered => _buffer is { } b ? b.GetBuffer().AsMemory(0, (int)b.Length) : default;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Keep(buffer.Length))
        {
            _buffer!.Write(buffer);
            return;
        }

        if (_buffer is { } pending)
        {
            _buffer = null;
            _beforePassThrough();
            _inner.Write(pending.GetBuffer(), 0, (int)pending.Length);
        }

        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Keep(buffer.Length))
        {
            _buffer!.Write(buffer.Span);
            return;
        }

        if (_buffer is { } pending)
        {
            _buffer = null;
            _beforePassThrough();
            await _inner.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellationToken).ConfigureAwait(false);
        }

        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes only once passing through: a buffered response is sent when the application is done.</summary>
    public override void Flush()
    {
        if (PassedThrough)
        {
            _inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => PassedThrough ? _inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private bool Keep(int count)
    {
        if (_buffer is null)
        {
            return false;
        }

        if (!_decided)
        {
            _decided = true;
            if (!_mayBuffer())
            {
                return false;
            }
        }

        return _buffer.Length + count <= _limit;
    }
}
