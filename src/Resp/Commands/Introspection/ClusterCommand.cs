using System.Collections.Frozen;

namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// CLUSTER: answered as a Redis 7.0 without cluster support answers it (<c>ERR This instance has cluster support
/// disabled</c>, after Redis's own arity and subcommand checks), so clients that probe for a cluster (StackExchange.Redis
/// does) see a standalone server. Any silo takes any key: there are no slots to discover.
/// </summary>
internal static class ClusterCommand
{
    /// <summary>Redis's answer on a server without cluster support.</summary>
    public const string Disabled = "ERR This instance has cluster support disabled";

    /// <summary>Redis 7.0's CLUSTER subcommands and their arity (the subcommand's name counted, as in COMMAND INFO).</summary>
    private static readonly FrozenDictionary<string, int> Subcommands = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["addslots"] = -3, ["addslotsrange"] = -4, ["bumpepoch"] = 2, ["count-failure-reports"] = 3, ["countkeysinslot"] = 3,
        ["delslots"] = -3, ["delslotsrange"] = -4, ["failover"] = -2, ["flushslots"] = 2, ["forget"] = 3, ["getkeysinslot"] = 4,
        ["help"] = 2, ["info"] = 2, ["keyslot"] = 3, ["links"] = 2, ["meet"] = -4, ["myid"] = 2, ["nodes"] = 2, ["replicas"] = 3,
        ["replicate"] = 3, ["reset"] = -2, ["saveconfig"] = 2, ["set-config-epoch"] = 3, ["setslot"] = -4, ["shards"] = 2,
        ["slaves"] = 3, ["slots"] = 2,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static void Register(RespCommandTable table) => table.Add(RespCommand.Local("cluster", -2, static (context, in call, _, _) =>
    {
        string subcommand = call.Text(1);
        if (!Subcommands.TryGetValue(subcommand, out int arity))
        {
            context.Writer.WriteError(RespErrors.UnknownSubcommand(call, "CLUSTER"));
        }
        else if (arity >= 0 ? call.Count != arity : call.Count < -arity)
        {
            context.Writer.WriteError(RespErrors.WrongArity("cluster|" + subcommand.ToLowerInvariant()));
        }
        else
        {
            context.Writer.WriteError(Disabled);
        }
    }));
}
