using System.Globalization;
using System.Runtime.InteropServices;

namespace Grid.Bench.Hosting;

/// <summary>CPU time and resident memory of a process, read from <c>/proc</c> (Linux).</summary>
internal static class ProcStat
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK on Linux

    private static readonly double ClockTicksPerSecond = ReadClockTicks();

    /// <summary>User + system CPU time of <paramref name="pid"/> so far; zero when the process is gone.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }

        // The command name (field 2) is in parentheses and may contain spaces; fields after it are plain.
        int close = text.LastIndexOf(')');
        var fields = text.AsSpan(close + 2);
        long utime = 0;
        long stime = 0;
        int index = 0;
        foreach (var range in fields.Split(' '))
        {
            // After ")": state is field 3, so utime (field 14) is index 11 and stime (field 15) index 12.
            if (index == 11)
            {
                utime = long.Parse(fields[range], CultureInfo.InvariantCulture);
            }
            else if (index == 12)
            {
                stime = long.Parse(fields[range], CultureInfo.InvariantCulture);
                break;
            }

            index++;
        }

        return TimeSpan.FromSeconds((utime + stime) / ClockTicksPerSecond);
    }

    /// <summary>Sum of <see cref="CpuTime"/> over several processes.</summary>
    public static TimeSpan CpuTime(IReadOnlyList<int> pids)
    {
        var total = TimeSpan.Zero;
        for (int i = 0; i < pids.Count; i++)
        {
            total += CpuTime(pids[i]);
        }

        return total;
    }

    /// <summary>Resident set size (VmRSS) of <paramref name="pid"/> in bytes; zero when the process is gone.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var number = line.AsSpan(6).Trim();
                    number = number[..number.IndexOf(' ')];
                    return long.Parse(number, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>Sum of <see cref="RssBytes(int)"/> over several processes.</summary>
    public static long RssBytes(IReadOnlyList<int> pids)
    {
        long total = 0;
        for (int i = 0; i < pids.Count; i++)
        {
            total += RssBytes(pids[i]);
        }

        return total;
    }

    private static double ReadClockTicks()
    {
        try
        {
            long ticks = SysConf(ScClockTicks);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100; // USER_HZ is 100 on every mainstream Linux ABI.
        }
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long SysConf(int name);
}
