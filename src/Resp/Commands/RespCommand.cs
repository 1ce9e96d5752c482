using Grid.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Adds a command's grid operations to the batch (<see cref="RespContext.AddOp"/>) or records its error; returns a state for the reply.</summary>
internal delegate long CommandPlanner(RespContext context, in RespCall call);

/// <summary>Writes a command's reply from the results of the operations it planned, in order.</summary>
internal delegate void CommandReplier(RespContext context, in RespCall call, ReadOnlySpan<GridResult> results, long state);

/// <summary>Runs a command whose later steps depend on earlier answers (it leaves the batch: the ops before it are sent first).</summary>
internal delegate ValueTask CommandRunner(RespContext context, RespCall call);

/// <summary>
/// A Redis command: its name and arity (Redis's convention: n exactly n arguments with the name, -n at least n), and
/// either a planner and a replier (batched: its ops leave with the rest of the socket read) or a runner (sequential).
/// </summary>
internal sealed class RespCommand
{
    private RespCommand(string name, int arity)
    {
        Name = name;
        Arity = arity;
    }

    /// <summary>The lowercase name, as Redis's errors show it.</summary>
    public string Name { get; }

    /// <summary>n: exactly n arguments (the name included); -n: at least n.</summary>
    public int Arity { get; }

    /// <summary>The batched form's first step (null for a sequential command).</summary>
    public CommandPlanner? Planner { get; private init; }

    /// <summary>The batched form's reply.</summary>
    public CommandReplier? Replier { get; private init; }

    /// <summary>The sequential form (null for a batched command).</summary>
    public CommandRunner? Runner { get; private init; }

    /// <summary>A batched command.</summary>
    public static RespCommand Batched(string name, int arity, CommandPlanner planner, CommandReplier replier) =>
        new(name, arity) { Planner = planner, Replier = replier };

    /// <summary>A command answered at the connection (no grid op): its reply runs in order with the others.</summary>
    public static RespCommand Local(string name, int arity, CommandReplier replier) =>
        new(name, arity) { Planner = static (_, in _) => 0, Replier = replier };

    /// <summary>A sequential command.</summary>
    public static RespCommand Sequential(string name, int arity, CommandRunner runner) => new(name, arity) { Runner = runner };

    /// <summary>Whether <paramref name="count"/> arguments fit the arity.</summary>
    public bool Accepts(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
