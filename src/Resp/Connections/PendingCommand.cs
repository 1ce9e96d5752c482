using Grid.Resp.Commands;
using Grid.Resp.Protocol;

namespace Grid.Resp.Connections;

/// <summary>A planned command waiting for its ops' results: its reply is written in command order once they are in.</summary>
/// <param name="Command">The command; null when <paramref name="Error"/> answers it.</param>
/// <param name="Range">Its arguments.</param>
/// <param name="FirstOp">Index of its first op in the read's batch.</param>
/// <param name="OpCount">How many ops it planned.</param>
/// <param name="State">What its planner passed to its replier.</param>
/// <param name="Error">The error that answers it instead (unknown command, arity, syntax).</param>
internal readonly record struct PendingCommand(RespCommand? Command, RespCommandRange Range, int FirstOp, int OpCount, long State, string? Error);
