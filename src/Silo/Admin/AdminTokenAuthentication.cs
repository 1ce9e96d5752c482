using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Grid.Silo.Admin;

/// <summary>
/// Authenticates admin requests: with a configured token (<c>Grid:Admin:Token</c> / <c>TokenFile</c>), the request
/// must carry <c>Authorization: Bearer &lt;token&gt;</c> (compared in constant time); without one, only loopback
/// callers are admitted. The <see cref="PolicyName"/> policy requires it; every admin route except the health probes
/// sits in a group that requires the policy (<see cref="GridAdmin.MapGridAdminRoutes"/>).
/// </summary>
internal sealed class AdminTokenAuthentication(
    IOptionsMonitor<AdminTokenOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AdminTokenOptions>(options, logger, encoder)
{
    public const string SchemeName = "GridAdminToken";

    public const string PolicyName = "GridAdmin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.TokenHash is not { } expected)
        {
            var remote = Context.Connection.RemoteIpAddress;
            return Task.FromResult(remote is not null && IPAddress.IsLoopback(remote)
                ? Success("loopback")
                : AuthenticateResult.Fail("No admin token is configured (Grid:Admin:Token): admin routes answer loopback callers only."));
        }

        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
            return Task.FromResult(CryptographicOperations.FixedTimeEquals(presented, expected)
                ? Success("token")
                : AuthenticateResult.Fail("Wrong admin token."));
        }

        // A browser signed in through the form (GridAdmin.SignInPath): the cookie holds the token's hash, not the token.
        if (Request.Cookies.TryGetValue(CookieName, out string? cookie) && TryDecodeCookie(cookie, out byte[] hash))
        {
            return Task.FromResult(CryptographicOperations.FixedTimeEquals(hash, expected)
                ? Success("cookie")
                : AuthenticateResult.Fail("Stale admin sign-in cookie."));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    /// <summary>The cookie a browser gets from the sign-in form.</summary>
    public const string CookieName = "grid-admin";

    /// <summary>The cookie's value for a token: its SHA-256, so the token itself never sits in the browser.</summary>
    public static string CookieValue(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool TryDecodeCookie(string value, out byte[] hash)
    {
        hash = new byte[SHA256.HashSizeInBytes];
        return Convert.TryFromBase64String(value, hash, out int written) && written == hash.Length;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Options.TokenHash is null)
        {
            // Nothing a remote caller could present would help.
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"grid-admin\"";
        if (HttpMethods.IsGet(Request.Method) && Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            // A person in a browser: offer the sign-in form instead of a bare 401.
            return GridAdmin.WriteSignInPageAsync(Context, failed: false);
        }

        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string how) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "grid-admin"), new Claim("grid-admin-by", how)], SchemeName)), SchemeName));
}

/// <summary>Options of <see cref="AdminTokenAuthentication"/>: the token's SHA-256 (null: no token, loopback callers only).</summary>
internal sealed class AdminTokenOptions : AuthenticationSchemeOptions
{
    public byte[]? TokenHash { get; set; }
}
