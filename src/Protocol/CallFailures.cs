using Orleans.Runtime;

namespace Grid.Protocol;

/// <summary>
/// The retry rule shared by clients and silos: which failed calls certainly did not run, and which operations may run
/// twice without changing the outcome.
/// </summary>
internal static class CallFailures
{
    /// <summary>
    /// True when <paramref name="error"/> proves the call never reached its grain: Orleans rejected the message before
    /// delivering it (no activation could take it, the target silo was known dead or stopping, the message could not
    /// be sent, the gateway shed load). False for anything that may have run: a timeout, a silo that died while the
    /// call was outstanding ("The target silo became unavailable"), an exception thrown by the grain.
    /// </summary>
    public static bool ProvesNotRun(Exception error) => error switch
    {
        SiloUnavailableException unavailable => !unavailable.Message.StartsWith("The target silo became unavailable", StringComparison.Ordinal)
            && !unavailable.Message.StartsWith("The local Orleans host is shutting down", StringComparison.Ordinal),
        OrleansMessageRejectionException => true,
        GatewayTooBusyException => true,
        _ => false,
    };

    /// <summary>True for operations that change nothing (beyond LRU and sliding-expiry stamps), which may be sent again after any failure.</summary>
    public static bool IsReadOnly(OpCode code) => code switch
    {
        OpCode.Get or OpCode.Exists or OpCode.TimeToLive or OpCode.HashGet or OpCode.HashGetAll or OpCode.HashLength
            or OpCode.ListRange or OpCode.ListLength or OpCode.Type => true,
        _ => false,
    };
}
