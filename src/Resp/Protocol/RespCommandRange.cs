namespace Grid.Resp.Protocol;

/// <summary>One parsed command: its arguments are <see cref="RespArguments"/>[<see cref="Start"/> .. <see cref="Start"/> + <see cref="Count"/>), the name first.</summary>
/// <param name="Start">Index of the command's name.</param>
/// <param name="Count">Number of arguments, the name included (at least 1).</param>
internal readonly record struct RespCommandRange(int Start, int Count);
