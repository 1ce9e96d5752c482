using System.Buffers;
using Grid.Resp.Security;

namespace Grid.Resp.Commands;

/// <summary>AUTH [user] password, and the check HELLO ... AUTH shares (README: Redis protocol, security).</summary>
internal static class AuthCommands
{
    /// <summary>Redis's answer to a wrong user or password.</summary>
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary>Redis's answer to AUTH with a password only when the default user has none.</summary>
    public const string NoPasswordConfigured = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";

    public static void Register(RespCommandTable table)
    {
        // Sequential: the commands after it in the same read are checked once it has run.
        table.Add(RespCommand.Sequential("auth", -2, static (context, call) =>
        {
            if (call.Count > 3)
            {
                context.Writer.WriteError(RespErrors.Syntax);
            }
            else if (TryAuthenticate(context, call.Count == 3 ? call.Text(1) : null, call[call.Count - 1]) is { } error)
            {
                context.Writer.WriteError(error);
            }
            else
            {
                context.Writer.WriteOk();
            }

            return ValueTask.CompletedTask;
        }));
    }

    /// <summary>Authenticates the connection as <paramref name="user"/> (null: the default user); returns the error, or null when done.</summary>
    public static string? TryAuthenticate(RespContext context, string? user, in ReadOnlySequence<byte> password)
    {
        var session = context.Session;
        switch (context.Grid.Auth.Check(user, password.ToArray()))
        {
            case RespAuthResult.Default:
                session.Authenticated = true;
                session.User = "default";
                session.IsAdmin = false;
                return null;
            case RespAuthResult.Admin:
                session.Authenticated = true;
                session.User = RespAuthenticator.AdminUser;
                session.IsAdmin = true;
                return null;
            case RespAuthResult.NoPasswordConfigured:
                return NoPasswordConfigured;
            default:
                // A failed AUTH leaves the connection as it was (Redis does not sign it out).
                return WrongPass;
        }
    }
}
