using System.Globalization;
using System.Text;

namespace Grid.Client.Routing;

/// <summary>
/// What the process's threads are doing right now, as the kernel sees them (Linux: <c>/proc/self/task/*/stat</c> and
/// <c>wchan</c>), summed up for a diagnostic line: e.g. <c>7 S futex_wait_queue, 2 D folio_wait_bit_common, 1 R</c>.
/// A starved thread pool whose threads sleep in <c>futex</c> waits is blocked by its callers (sync-over-async); threads
/// in state D wait on the disk or on memory (page faults), which no number of pool threads fixes.
/// </summary>
internal static class ThreadStates
{
    private const string TaskDirectory = "/proc/self/task";

    /// <summary>The summary, most common first; "not available" where <c>/proc</c> is not readable (not Linux).</summary>
    public static string Describe()
    {
        if (!Directory.Exists(TaskDirectory))
        {
            return "not available";
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string task in Directory.EnumerateDirectories(TaskDirectory))
        {
            string? state = Read(task);
            if (state is not null)
            {
                counts[state] = counts.GetValueOrDefault(state) + 1;
            }
        }

        var ordered = new List<KeyValuePair<string, int>>(counts);
        ordered.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (state, count) in ordered)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(state);
        }

        return text.ToString();
    }

    /// <summary>"S futex_wait_queue" for one thread; null when it ended while being read.</summary>
    private static string? Read(string task)
    {
        try
        {
            // stat is "tid (comm) S ...": the state is the field after the last ')' (comm may hold spaces or parentheses).
            string stat = File.ReadAllText(Path.Combine(task, "stat"));
            int close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length)
            {
                return null;
            }

            char state = stat[close + 2];
            if (state == 'R')
            {
                return "R";
            }

            string wchan = File.ReadAllText(Path.Combine(task, "wchan")).Trim();
            return wchan.Length == 0 || wchan == "0" ? state.ToString() : state + " " + wchan;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            // The thread ended between listing and reading: it is simply not counted.
            return null;
        }
    }
}
