using System.Security.Cryptography;
using System.Text;

namespace Grid.Resp.Security;

/// <summary>
/// Checks AUTH and HELLO ... AUTH against the grid's settings: the default user's password (<c>Grid:Resp:Password</c>,
/// Redis's <c>requirepass</c>) and the user <c>admin</c>, whose password is the grid's admin token
/// (<c>Grid:Admin:Token</c>, the same token the admin endpoint takes). Secrets are kept as SHA-256 hashes and compared
/// in constant time.
/// </summary>
internal sealed class RespAuthenticator
{
    /// <summary>The user that authenticates with the admin token.</summary>
    public const string AdminUser = "admin";

    private readonly byte[]? _password;
    private readonly byte[]? _adminToken;

    public RespAuthenticator(string? password, string? adminToken)
    {
        _password = password is { Length: > 0 } ? Hash(Encoding.UTF8.GetBytes(password)) : null;
        _adminToken = adminToken is { Length: > 0 } ? Hash(Encoding.UTF8.GetBytes(adminToken)) : null;
    }

    /// <summary>Whether connections must authenticate before other commands (a password is set).</summary>
    public bool RequiresPassword => _password is not null;

    /// <summary>Whether the grid has an admin token (without one, admin commands admit loopback clients only).</summary>
    public bool HasAdminToken => _adminToken is not null;

    /// <summary>Checks <paramref name="password"/> for <paramref name="user"/> (null: AUTH with a password only, the default user).</summary>
    public RespAuthResult Check(string? user, ReadOnlySpan<byte> password)
    {
        if (user is null)
        {
            return _password is null ? RespAuthResult.NoPasswordConfigured : Matches(_password, password) ? RespAuthResult.Default : RespAuthResult.Wrong;
        }

        if (user == "default")
        {
            // Without a password the default user takes any (Redis's nopass user).
            return _password is null || Matches(_password, password) ? RespAuthResult.Default : RespAuthResult.Wrong;
        }

        if (user == AdminUser && _adminToken is not null && Matches(_adminToken, password))
        {
            return RespAuthResult.Admin;
        }

        return RespAuthResult.Wrong;
    }

    private static bool Matches(byte[] expected, ReadOnlySpan<byte> presented) =>
        CryptographicOperations.FixedTimeEquals(expected, Hash(presented));

    private static byte[] Hash(ReadOnlySpan<byte> secret) => SHA256.HashData(secret);
}
