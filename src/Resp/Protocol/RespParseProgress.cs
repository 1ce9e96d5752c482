namespace Grid.Resp.Protocol;

/// <summary>
/// How far a multibulk command that spans socket reads has been parsed, so the next read goes on from there instead of
/// parsing it again from its start (Redis keeps <c>multibulklen</c> and <c>bulklen</c> for the same reason): a command
/// of many arguments, or a large bulk, arriving in small pieces costs work in proportion to its bytes, not their
/// square. Offsets count from the command's first byte, which stays in the connection's input until it completes.
/// </summary>
internal sealed class RespParseProgress
{
    private readonly List<(long Offset, long Length)> _arguments = [];

    /// <summary>A command is under way.</summary>
    public bool Active { get; private set; }

    /// <summary>Its argument count (the <c>*n</c> line).</summary>
    public long Expected { get; private set; }

    /// <summary>Where its next argument's <c>$</c> line starts.</summary>
    public long Offset { get; private set; }

    /// <summary>The command's bytes needed before parsing can go further (a bulk's end); less than that, nothing is tried.</summary>
    public long Needed { get; private set; }

    /// <summary>The arguments parsed so far: offset and length of each bulk.</summary>
    public List<(long Offset, long Length)> Arguments => _arguments;

    /// <summary>Records the state of a command that is incomplete after this read.</summary>
    public void Save(long expected, long offset, long needed)
    {
        Active = true;
        Expected = expected;
        Offset = offset;
        Needed = needed;
    }

    /// <summary>Forgets the command (it completed, or the connection breaks off).</summary>
    public void Reset()
    {
        Active = false;
        Expected = 0;
        Offset = 0;
        Needed = 0;
        _arguments.Clear();
    }
}
