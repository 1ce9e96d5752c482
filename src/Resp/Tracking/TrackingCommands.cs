using Grid.Resp.Commands;

namespace Grid.Resp.Tracking;

/// <summary>
/// The client-side caching subcommands of CLIENT (networking.c <c>clientCommand</c>, Redis 7 wording): TRACKING,
/// CACHING, GETREDIR, TRACKINGINFO. They take over the CLIENT command registered by the connection commands and pass
/// every other subcommand on to it; they run in order with the pipeline (the ops before them are sent first), so a
/// GET pipelined right after <c>CLIENT TRACKING on</c> is tracked.
/// </summary>
internal static class TrackingCommands
{
    private const string RedirectNotSupported = "ERR CLIENT TRACKING REDIRECT is not supported by this server: use RESP3 (HELLO 3), where invalidations are pushed on the connection itself";
    private const string OptInOutNotSupported = "ERR CLIENT TRACKING OPTIN and OPTOUT are not supported by this server";

    /// <summary>Wraps the registered CLIENT command so that the tracking subcommands come here.</summary>
    public static void Register(RespCommandTable table)
    {
        var client = table.All["client"];
        if (client.Runner is { } runner)
        {
            table.Replace(RespCommand.Sequential(client.Name, client.Arity, (context, call) => IsTracking(call) ? RunAsync(context, call) : runner(context, call)));
            return;
        }

        var planner = client.Planner!;
        table.Replace(RespCommand.Batched(
            client.Name,
            client.Arity,
            (context, in call) => IsTracking(call) ? context.Defer(RunAsync) : planner(context, call),
            client.Replier!));
    }

    private static bool IsTracking(in RespCall call) =>
        call.Count >= 2 && (call.Is(1, "tracking"u8) || call.Is(1, "caching"u8) || call.Is(1, "getredir"u8) || call.Is(1, "trackinginfo"u8));

    private static async ValueTask RunAsync(RespContext context, RespCall call)
    {
        var writer = context.Writer;
        var tracking = context.Session.Tracking;
        if (call.Is(1, "getredir"u8))
        {
            if (call.Count != 2)
            {
                writer.WriteError(RespErrors.WrongArity("client|getredir"));
                return;
            }

            // Never redirected: 0 while tracking (Redis's "no redirection"), -1 when not.
            writer.WriteInteger(tracking is { Enabled: true } ? 0 : -1);
            return;
        }

        if (call.Is(1, "trackinginfo"u8))
        {
            if (call.Count != 2)
            {
                writer.WriteError(RespErrors.WrongArity("client|trackinginfo"));
                return;
            }

            WriteTrackingInfo(context, tracking);
            return;
        }

        if (call.Is(1, "caching"u8))
        {
            if (call.Count != 3)
            {
                writer.WriteError(RespErrors.WrongArity("client|caching"));
                return;
            }

            if (tracking is not { Enabled: true })
            {
                writer.WriteError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
            }
            else if (call.Is(2, "yes"u8))
            {
                writer.WriteError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
            else if (call.Is(2, "no"u8))
            {
                writer.WriteError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
            else
            {
                writer.WriteError(RespErrors.Syntax);
            }

            return;
        }

        await TrackingAsync(context, call).ConfigureAwait(false);
    }

    /// <summary>CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP].</summary>
    private static async ValueTask TrackingAsync(RespContext context, RespCall call)
    {
        var writer = context.Writer;
        if (call.Count < 3)
        {
            writer.WriteError(RespErrors.WrongArity("client|tracking"));
            return;
        }

        bool bcast = false;
        bool optIn = false;
        bool optOut = false;
        bool noLoop = false;
        bool redirect = false;
        var prefixes = new List<byte[]>();
        for (int j = 3; j < call.Count; j++)
        {
            bool more = j < call.Count - 1;
            if (call.Is(j, "redirect"u8) && more)
            {
                j++;
                redirect = true;
            }
            else if (call.Is(j, "bcast"u8))
            {
                bcast = true;
            }
            else if (call.Is(j, "optin"u8))
            {
                optIn = true;
            }
            else if (call.Is(j, "optout"u8))
            {
                optOut = true;
            }
            else if (call.Is(j, "noloop"u8))
            {
                noLoop = true;
            }
            else if (call.Is(j, "prefix"u8) && more)
            {
                j++;
                prefixes.Add(call.Bytes(j));
            }
            else
            {
                writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        var tracking = context.Session.Tracking;
        if (call.Is(2, "off"u8))
        {
            if (tracking is { Enabled: true })
            {
                context.Grid.Tracking.Disable(tracking);
                tracking.Prefixes = [];
                tracking.NoLoop = false;
            }

            writer.WriteOk();
            return;
        }

        if (!call.Is(2, "on"u8))
        {
            writer.WriteError(RespErrors.Syntax);
            return;
        }

        // Redis's checks, in Redis's order.
        if (!bcast && prefixes.Count > 0)
        {
            writer.WriteError("ERR PREFIX option requires BCAST mode to be enabled");
            return;
        }

        if (tracking is { Enabled: true } && tracking.Broadcast != bcast)
        {
            writer.WriteError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
            return;
        }

        if (bcast && (optIn || optOut))
        {
            writer.WriteError("ERR OPTIN and OPTOUT are not compatible with BCAST");
            return;
        }

        if (optIn && optOut)
        {
            writer.WriteError("ERR You can't use both OPTIN and OPTOUT");
            return;
        }

        if (redirect)
        {
            writer.WriteError(RedirectNotSupported);
            return;
        }

        if (optIn || optOut)
        {
            writer.WriteError(OptInOutNotSupported);
            return;
        }

        byte[][] current = tracking is { Enabled: true } ? tracking.Prefixes : [];
        if (bcast && Overlap(current, prefixes) is { } error)
        {
            writer.WriteError(error);
            return;
        }

        if (bcast && prefixes.Count == 0)
        {
            // BCAST without PREFIX: every key (the empty prefix).
            prefixes.Add([]);
        }

        tracking ??= context.Session.Tracking = new TrackingClient(context.Session.Id, context.Session.Wake);
        tracking.Broadcast = bcast;
        tracking.NoLoop = noLoop;
        if (bcast)
        {
            var all = new List<byte[]>(current);
            foreach (var prefix in prefixes)
            {
                if (!all.Exists(p => p.AsSpan().SequenceEqual(prefix)))
                {
                    all.Add(prefix);
                }
            }

            tracking.Prefixes = [.. all];
        }

        await context.Grid.Tracking.EnableAsync(tracking).ConfigureAwait(false);
        writer.WriteOk();
    }

    /// <summary>
    /// Redis's rule (checkPrefixCollisionsOrReply): a given prefix may not share its first bytes, up to the shorter
    /// one's length, with one the client has or with another given one (so a repeated prefix is refused too).
    /// </summary>
    private static string? Overlap(byte[][] current, List<byte[]> added)
    {
        for (int i = 0; i < added.Count; i++)
        {
            foreach (var existing in current)
            {
                if (existing.AsSpan().StartsWith(added[i]) || added[i].AsSpan().StartsWith(existing))
                {
                    return Collision(added[i], existing, "an existing prefix");
                }
            }

            for (int j = i + 1; j < added.Count; j++)
            {
                if (added[i].AsSpan().StartsWith(added[j]) || added[j].AsSpan().StartsWith(added[i]))
                {
                    return Collision(added[i], added[j], "another provided prefix");
                }
            }
        }

        return null;
    }

    private static string Collision(byte[] prefix, byte[] other, string what) =>
        $"ERR Prefix '{System.Text.Encoding.UTF8.GetString(prefix)}' overlaps with {what} '{System.Text.Encoding.UTF8.GetString(other)}'. Prefixes for a single client must not overlap.";

    /// <summary>CLIENT TRACKINGINFO: flags, redirect and prefixes, as Redis answers them.</summary>
    private static void WriteTrackingInfo(RespContext context, TrackingClient? tracking)
    {
        var writer = context.Writer;
        bool on = tracking is { Enabled: true };
        var flags = new List<string>();
        if (!on)
        {
            flags.Add("off");
        }
        else
        {
            flags.Add("on");
            if (tracking!.Broadcast)
            {
                flags.Add("bcast");
            }

            if (tracking.NoLoop)
            {
                flags.Add("noloop");
            }
        }

        writer.WriteMapHeader(3);
        writer.WriteBulk("flags"u8);
        writer.WriteRaw(writer.Protocol == 3 ? "~"u8 : "*"u8);
        writer.WriteRaw(System.Text.Encoding.ASCII.GetBytes(flags.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
        foreach (var flag in flags)
        {
            writer.WriteBulk(flag);
        }

        writer.WriteBulk("redirect"u8);
        writer.WriteInteger(on ? 0 : -1);
        writer.WriteBulk("prefixes"u8);
        // In Redis's order (a radix tree: sorted by bytes).
        var prefixes = new List<byte[]>(on ? tracking!.Prefixes : Array.Empty<byte[]>());
        prefixes.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        writer.WriteArrayHeader(prefixes.Count);
        foreach (var prefix in prefixes)
        {
            writer.WriteBulk(prefix);
        }
    }
}
