using System.Collections.Frozen;

namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// redis-server 7.0.15's own COMMAND DOCS entries (summary, since, group, complexity, history, arguments) for the
/// commands the endpoint serves, as the raw RESP2 and RESP3 bytes of each entry's map, so redis-cli gets its argument
/// hints and the answer is Redis's byte for byte. Read once from the embedded <c>command-docs.txt</c> (one line per
/// command: name, base64 RESP2, base64 RESP3; made by <c>command-docs.py</c> against a redis-server).
/// </summary>
internal static class RespCommandDocs
{
    private static readonly Lazy<FrozenDictionary<string, (byte[] Resp2, byte[] Resp3)>> Entries = new(Load);

    /// <summary>The raw docs map of <paramref name="name"/> in <paramref name="protocol"/>; false for a command Redis does not have.</summary>
    public static bool TryGet(string name, int protocol, out byte[] map)
    {
        if (Entries.Value.TryGetValue(name, out var entry))
        {
            map = protocol == 3 ? entry.Resp3 : entry.Resp2;
            return true;
        }

        map = [];
        return false;
    }

    private static FrozenDictionary<string, (byte[] Resp2, byte[] Resp3)> Load()
    {
        using var stream = typeof(RespCommandDocs).Assembly.GetManifestResourceStream("Grid.Resp.command-docs.txt")
            ?? throw new InvalidOperationException("The embedded command-docs.txt is missing from Grid.Resp.");
        using var reader = new StreamReader(stream);
        var entries = new Dictionary<string, (byte[], byte[])>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts.Length == 3)
            {
                entries[parts[0]] = (Convert.FromBase64String(parts[1]), Convert.FromBase64String(parts[2]));
            }
        }

        return entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
