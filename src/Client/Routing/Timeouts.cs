namespace Grid.Client.Routing;

/// <summary>The messages of operations that ran out of time.</summary>
internal static class Timeouts
{
    /// <summary>The exception for <paramref name="op"/>, whose deadline passed while <paramref name="waiting"/>.</summary>
    public static GridTimeoutException Expired(PendingOp op, string waiting, Exception? cause = null) =>
        new($"The grid operation ({op.Op.Code}) did not complete within its deadline (GridClientOptions.OperationTimeout or the call's own): {waiting}. " +
            (Protocol.CallFailures.IsReadOnly(op.Op.Code) ? "Nothing was changed." : "The write may or may not have been applied."), cause);
}
