namespace Grid.Resp.Commands;

/// <summary>What a connection that has not authenticated yet may run: AUTH, HELLO (which checks on its own) and QUIT.</summary>
internal static class RespAuthGate
{
    /// <summary>Redis's answer to any other command before AUTH.</summary>
    public const string NoAuth = "NOAUTH Authentication required.";

    /// <summary>Redis 7.0's answer to HELLO without AUTH before AUTH.</summary>
    public const string HelloNoAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

    /// <summary>The error that refuses <paramref name="command"/> on an unauthenticated connection, or null when it may run.</summary>
    public static string? Refuses(RespCommand command, in RespCall call) =>
        command.Name is "auth" or "hello" or "quit" ? null : NoAuth;
}
