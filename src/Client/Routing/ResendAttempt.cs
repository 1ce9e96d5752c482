namespace Grid.Client.Routing;

/// <summary>
/// One operation on its way through the router's resend loop: the failure that sent it there (the message of its
/// timeout if it never gets out) and whether the loop already backed off once.
/// </summary>
internal sealed class ResendAttempt(PendingOp op, Exception reason)
{
    public PendingOp Op { get; } = op;

    /// <summary>The last failure: the call's, then "no silo known" while it waits for one.</summary>
    public Exception Reason { get; set; } = reason;

    /// <summary>False until the first back-off (the loop's first turn only waits).</summary>
    public bool BackedOff { get; set; }
}
