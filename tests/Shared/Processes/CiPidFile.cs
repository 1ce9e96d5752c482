using System.Globalization;

namespace Grid.Tests.Shared.Processes;

/// <summary>
/// The CI's list of child processes: when <c>GRID_CI_PID_FILE</c> is set, every PID a test starts is appended to that
/// file (one a line), so the CI script can kill by PID whatever a crashed test host left behind.
/// </summary>
internal static class CiPidFile
{
    private const string Variable = "GRID_CI_PID_FILE";
    private static readonly Lock Gate = new();

    public static void Record(int pid)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, pid.ToString(CultureInfo.InvariantCulture) + Environment.NewLine);
        }
    }
}
