using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// INFO [section ...]: Redis's sections server, clients, memory, stats, replication and keyspace, in Redis's format
/// (<c># Section</c>, then <c>field:value</c> lines), with the grid's figures: memory, entries, hits, misses, evictions,
/// expirations and operations added up over every silo; connections are this silo's endpoint's. Fields named
/// <c>grid_*</c> are the grid's own. Without a section (or <c>default</c>, <c>all</c>, <c>everything</c>) every section;
/// an unknown section adds nothing, as in Redis.
/// </summary>
internal static class InfoCommand
{
    private static readonly string[] Sections = ["server", "clients", "memory", "stats", "replication", "keyspace"];

    public static void Register(RespCommandTable table) => table.Add(RespCommand.Sequential("info", -1, InfoAsync));

    private static async ValueTask InfoAsync(RespContext context, RespCall call)
    {
        var wanted = new bool[Sections.Length];
        bool all = call.Count == 1;
        for (int i = 1; i < call.Count; i++)
        {
            all |= call.Is(i, "default"u8) || call.Is(i, "all"u8) || call.Is(i, "everything"u8);
            for (int s = 0; s < Sections.Length; s++)
            {
                wanted[s] |= call.Is(i, Encoding.ASCII.GetBytes(Sections[s]));
            }
        }

        if (all)
        {
            Array.Fill(wanted, true);
        }

        IReadOnlyList<GridSiloStatistics> silos;
        try
        {
            silos = await context.Grid.Cache.GetSiloStatisticsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Writer.WriteError("ERR " + ex.Message);
            return;
        }

        var totals = Totals.Of(silos);
        var text = new StringBuilder(2048);
        for (int s = 0; s < Sections.Length; s++)
        {
            if (!wanted[s])
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("\r\n");
            }

            switch (Sections[s])
            {
                case "server": Server(text, context, silos.Count); break;
                case "clients": Clients(text, context); break;
                case "memory": Memory(text, totals); break;
                case "stats": Stats(text, context, totals); break;
                case "replication": text.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"); break;
                default: Keyspace(text, totals); break;
            }
        }

        RespText.WriteVerbatim(context.Writer, text.ToString());
    }

    private static void Server(StringBuilder text, RespContext context, int silos)
    {
        var grid = context.Grid;
        long uptime = (Environment.TickCount64 - grid.StartedAt) / 1000;
        long nowUs = grid.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var culture = CultureInfo.InvariantCulture;
        text.Append("# Server\r\n");
        text.Append(culture, $"redis_version:{ConnectionCommands.RedisVersion}\r\n");
        text.Append(culture, $"grid_version:{typeof(InfoCommand).Assembly.GetName().Version}\r\n");
        text.Append("redis_mode:standalone\r\n");
        text.Append(culture, $"os:{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}\r\n");
        text.Append(culture, $"arch_bits:{IntPtr.Size * 8}\r\n");
        text.Append(culture, $"process_id:{Environment.ProcessId}\r\n");
        text.Append(culture, $"run_id:{grid.RunId}\r\n");
        text.Append(culture, $"tcp_port:{grid.Options.Port}\r\n");
        text.Append(culture, $"server_time_usec:{nowUs}\r\n");
        text.Append(culture, $"uptime_in_seconds:{uptime}\r\n");
        text.Append(culture, $"uptime_in_days:{uptime / 86400}\r\n");
        text.Append(culture, $"executable:{Environment.ProcessPath}\r\n");
        text.Append(culture, $"grid_silos:{silos}\r\n");
    }

    private static void Clients(StringBuilder text, RespContext context)
    {
        var culture = CultureInfo.InvariantCulture;
        text.Append("# Clients\r\n");
        text.Append(culture, $"connected_clients:{context.Grid.Clients}\r\n");
        text.Append(culture, $"maxclients:{context.Grid.Options.MaxClients}\r\n");
        text.Append("blocked_clients:0\r\n");
        text.Append("tracking_clients:0\r\n");
    }

    private static void Memory(StringBuilder text, in Totals totals)
    {
        var culture = CultureInfo.InvariantCulture;
        text.Append("# Memory\r\n");
        text.Append(culture, $"used_memory:{totals.Bytes}\r\n");
        text.Append(culture, $"used_memory_human:{RespText.Human(totals.Bytes)}\r\n");
        text.Append(culture, $"maxmemory:{totals.BudgetBytes}\r\n");
        text.Append(culture, $"maxmemory_human:{RespText.Human(totals.BudgetBytes)}\r\n");
        text.Append("maxmemory_policy:allkeys-lru\r\n");
        text.Append(culture, $"grid_replica_bytes:{totals.ReplicaBytes}\r\n");
        text.Append(culture, $"grid_gc_heap_bytes:{totals.GcHeapBytes}\r\n");
    }

    private static void Stats(StringBuilder text, RespContext context, in Totals totals)
    {
        var culture = CultureInfo.InvariantCulture;
        text.Append("# Stats\r\n");
        text.Append(culture, $"total_connections_received:{context.Grid.TotalConnections}\r\n");
        text.Append(culture, $"rejected_connections:{context.Grid.RejectedConnections}\r\n");
        text.Append(culture, $"expired_keys:{totals.Expirations}\r\n");
        text.Append(culture, $"evicted_keys:{totals.Evictions}\r\n");
        text.Append(culture, $"keyspace_hits:{totals.Hits}\r\n");
        text.Append(culture, $"keyspace_misses:{totals.Misses}\r\n");
        text.Append(culture, $"grid_operations:{totals.Operations}\r\n");
        text.Append(culture, $"grid_resp_ops_local:{context.Grid.Local?.OpsRun ?? 0}\r\n");
        text.Append(culture, $"grid_resp_ops_forwarded:{context.Grid.OpsForwarded}\r\n");
    }

    private static void Keyspace(StringBuilder text, in Totals totals)
    {
        text.Append("# Keyspace\r\n");
        if (totals.Entries > 0)
        {
            // avg_ttl is Redis's sampled estimate; the grid keeps none, so it is 0 (README: differences).
            text.Append(CultureInfo.InvariantCulture, $"db0:keys={totals.Entries},expires={totals.Expiring},avg_ttl=0\r\n");
        }
    }

    /// <summary>The silos' counters added up.</summary>
    private readonly record struct Totals(long Entries, long Expiring, long Bytes, long BudgetBytes, long ReplicaBytes, long GcHeapBytes, long Hits, long Misses, long Evictions, long Expirations, long Operations)
    {
        public static Totals Of(IReadOnlyList<GridSiloStatistics> silos)
        {
            var t = default(Totals);
            foreach (var s in silos)
            {
                t = new Totals(
                    t.Entries + s.Entries,
                    t.Expiring + s.ExpiringEntries,
                    t.Bytes + s.Bytes,
                    t.BudgetBytes + s.BudgetBytes,
                    t.ReplicaBytes + s.ReplicaBytes,
                    t.GcHeapBytes + s.GcHeapBytes,
                    t.Hits + s.Hits,
                    t.Misses + s.Misses,
                    t.Evictions + s.Evictions,
                    t.Expirations + s.Expirations,
                    t.Operations + s.Operations);
            }

            return t;
        }
    }
}
