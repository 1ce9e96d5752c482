using System.Net;
using System.Text;
using Grid.Client.Routing;
using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Client.Tests.Fakes;

/// <summary>Operations, pending operations and silo addresses for tests.</summary>
internal static class TestOps
{
    /// <summary>The deadline tests give operations that must not expire during the test.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    public static GridOp Get(string key) => new() { Code = OpCode.Get, Key = Encoding.UTF8.GetBytes(key) };

    public static GridOp Set(string key, string value = "v") =>
        new() { Code = OpCode.Set, Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) };

    public static GridOp Increment(string key) => new() { Code = OpCode.Increment, Key = Encoding.UTF8.GetBytes(key), Arg0 = 1 };

    /// <summary>A pending op due <paramref name="timeout"/> from now (<see cref="Generous"/> when null); writes get request ids from <paramref name="requests"/>.</summary>
    public static PendingOp Pending(GridOp op, TimeSpan? timeout = null, int partition = 0, RequestSequencer? requests = null) =>
        new(op, partition, Environment.TickCount64 + (long)(timeout ?? Generous).TotalMilliseconds, requests: requests);

    /// <summary>A pending op whose deadline has already passed.</summary>
    public static PendingOp Expired(GridOp op, int partition = 0) => new(op, partition, Environment.TickCount64 - 1);

    /// <summary>
    /// The error an op failed with, once its task completed (a failed op's caller is completed from a thread-pool work
    /// item of its own, so the task completes just after the call that failed it); null when it completed with a result.
    /// </summary>
    public static Exception? ErrorOf(PendingOp op)
    {
        Assert.True(((IAsyncResult)op.Task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the op did not complete");
        return op.Task.Exception?.InnerException;
    }

    /// <summary>
    /// A silo address. Only an identity: nothing listens on it, and no test opens a port (the number just tells silos apart).
    /// </summary>
    public static SiloAddress Silo(int number) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 40_000 + number), 1);
}
