using Grid.Client.Routing;

namespace Grid.Client.Tests.Routing;

/// <summary>The starvation warning's view of the process's threads: states and kernel wait points, counted.</summary>
public sealed class ThreadStatesTests
{
    [Fact]
    public void Counts_every_thread_of_the_process_by_state_on_Linux()
    {
        string described = ThreadStates.Describe();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Equal("not available", described);
            return;
        }

        // This thread is running while it reads /proc; the runtime's others mostly sleep.
        Assert.Contains("R", described, StringComparison.Ordinal);
        int counted = 0;
        foreach (string part in described.Split(", "))
        {
            counted += int.Parse(part[..part.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        }

        // Threads may start or end while it reads; most were there before and after.
        int threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        Assert.InRange(counted, threads / 2, threads * 2);
    }
}
