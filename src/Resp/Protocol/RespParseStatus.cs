namespace Grid.Resp.Protocol;

/// <summary>What <c>RespParser.TryParse</c> found.</summary>
internal enum RespParseStatus
{
    /// <summary>A whole command was read.</summary>
    Command,
    /// <summary>The input ends inside a command: wait for more bytes.</summary>
    Incomplete,
    /// <summary>The input breaks the protocol: answer the error and close the connection, as Redis does.</summary>
    Error,
}
