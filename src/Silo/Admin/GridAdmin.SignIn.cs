using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grid.Grains.Hosting;

namespace Grid.Silo.Admin;

/// <summary>
/// Browser sign-in for the admin routes (the dashboard): a form takes the admin token once and sets an HttpOnly,
/// SameSite=Strict cookie holding the token's hash; scripts and Prometheus send <c>Authorization: Bearer</c> instead.
/// </summary>
internal static partial class GridAdmin
{
    /// <summary>Where the sign-in form posts.</summary>
    public const string SignInPath = "/admin/sign-in";

    private static void MapSignIn(IEndpointRouteBuilder endpoints, GridAdminOptions options)
    {
        string? token = options.EffectiveToken();
        byte[]? expected = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        endpoints.MapPost(SignInPath, async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            string presented = form["token"].ToString().Trim();
            string returnTo = LocalPath(form["return"].ToString());
            if (expected is null || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await WriteSignInPageAsync(context, failed: true, returnTo).ConfigureAwait(false);
                return;
            }

            context.Response.Cookies.Append(AdminTokenAuthentication.CookieName, AdminTokenAuthentication.CookieValue(presented), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
                MaxAge = TimeSpan.FromHours(12),
            });
            context.Response.Redirect(returnTo);
        }).DisableAntiforgery();
    }

    /// <summary>Writes the sign-in form (the challenge of a browser request without the token).</summary>
    public static Task WriteSignInPageAsync(HttpContext context, bool failed) =>
        WriteSignInPageAsync(context, failed, LocalPath(context.Request.PathBase + context.Request.Path + context.Request.QueryString));

    private static Task WriteSignInPageAsync(HttpContext context, bool failed, string returnTo)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        string message = failed ? "<p role=\"alert\">Wrong admin token.</p>" : "";
        return context.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Grid admin sign-in</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto}input{width:100%;padding:.4rem;margin:.4rem 0}</style></head>
            <body><h1>Grid admin</h1><p>This page needs the admin token (<code>Grid:Admin:Token</code>).</p>{{message}}
            <form method="post" action="{{SignInPath}}"><input type="hidden" name="return" value="{{WebUtility.HtmlEncode(returnTo)}}">
            <label>Admin token <input type="password" name="token" autocomplete="current-password" autofocus required></label>
            <button type="submit">Sign in</button></form></body></html>
            """, context.RequestAborted);
    }

    /// <summary>Only a path on this endpoint (no open redirect).</summary>
    private static string LocalPath(string value) =>
        value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal) && !value.StartsWith("/\\", StringComparison.Ordinal) ? value : "/";
}
