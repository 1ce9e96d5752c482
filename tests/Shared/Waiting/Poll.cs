namespace Grid.Tests.Shared.Waiting;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time (linked into the cluster and ASP.NET Core tests).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
