using System.Text;
using Grid.Grains.Storage;

namespace Grid.Tests.Shared.Replication;

/// <summary>A store snapshot's entries as key → text of their value or elements, to compare a replica with its primary.</summary>
internal static class SnapshotContents
{
    /// <summary>
    /// Key → "s:value@expiry#version", or "h:field=value;…@expiry#version" (fields in order) / "l:=value;…@expiry#version";
    /// access stamps left out (entry versions are kept by replicas and moves, so they are compared).
    /// </summary>
    public static Dictionary<string, string> Of(StoreSnapshot snapshot)
    {
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in snapshot.Records)
        {
            contents[Encoding.UTF8.GetString(EntryRecord.Key(record))] = $"s:{Encoding.UTF8.GetString(EntryRecord.Value(record))}@{EntryRecord.ExpiresAt(record)}#{EntryRecord.Version(record)}";
        }

        foreach (var structure in snapshot.Structures)
        {
            var text = new StringBuilder(structure.Fields is null ? "l:" : "h:");
            var order = Enumerable.Range(0, structure.Values.Length);
            if (structure.Fields is { } fields)
            {
                order = order.OrderBy(i => fields[i], StringComparer.Ordinal);
            }

            foreach (int i in order)
            {
                text.Append(structure.Fields?[i]).Append('=').Append(Encoding.UTF8.GetString(structure.Values[i])).Append(';');
            }

            contents[Encoding.UTF8.GetString(EntryRecord.Key(structure.Record))] = text.Append($"@{EntryRecord.ExpiresAt(structure.Record)}#{EntryRecord.Version(structure.Record)}").ToString();
        }

        return contents;
    }
}
