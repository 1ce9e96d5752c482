namespace Grid.Analytics;

/// <summary>
/// Merges the silos' hot keys: a key counted on two silos (its partition moved during the decay window) adds up, and
/// keeps the silo that counted it most. Compiled into the client (<c>GetHotKeysAsync</c>) and the silo (the dashboard).
/// </summary>
internal static class HotKeyMerge
{
    public static IReadOnlyList<GridHotKey> Merge(GridHotKey[][] silos, int top)
    {
        var merged = new Dictionary<string, GridHotKey>(StringComparer.Ordinal);
        foreach (var keys in silos)
        {
            foreach (var key in keys)
            {
                if (merged.TryGetValue(key.Key, out var seen))
                {
                    merged[key.Key] = seen with
                    {
                        ReadsPerSecond = seen.ReadsPerSecond + key.ReadsPerSecond,
                        WritesPerSecond = seen.WritesPerSecond + key.WritesPerSecond,
                        Silo = key.OperationsPerSecond > seen.OperationsPerSecond ? key.Silo : seen.Silo,
                    };
                }
                else
                {
                    merged[key.Key] = key;
                }
            }
        }

        var sorted = new List<GridHotKey>(merged.Values);
        sorted.Sort(static (a, b) => b.OperationsPerSecond.CompareTo(a.OperationsPerSecond));
        return sorted.Count <= top ? sorted : sorted.GetRange(0, top);
    }
}
