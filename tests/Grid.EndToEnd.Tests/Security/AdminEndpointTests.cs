using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Grid.Tests.Shared.Processes;

namespace Grid.EndToEnd.Tests.Security;

/// <summary>The admin endpoint of a real silo: health probes open, every other admin route behind the token.</summary>
public sealed class AdminEndpointTests
{
    private const string Token = "admin-token-0123456789abcdef";

    [Fact]
    public async Task Admin_routes_need_the_token_and_health_probes_do_not()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string> { ["Grid__Admin__Token"] = Token });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}") };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        var anonymous = await http.GetAsync("/admin/info");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/admin/info", "wrong-token-0123456789")).StatusCode);

        var authorized = await SendAsync(http, "/admin/info", Token);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        string info = await authorized.Content.ReadAsStringAsync();
        Assert.Contains("\"partitionCount\":1024", info, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, info, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, silo.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_and_the_dashboard_need_the_token_and_a_browser_signs_in_once_with_a_cookie()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null, new Dictionary<string, string>
        {
            ["Grid__Admin__Token"] = Token,
            ["Grid__Admin__Dashboard__Enabled"] = "true",
        });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}"),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "/metrics", Token)).StatusCode);

        // A browser without the token gets the sign-in form, not the dashboard.
        var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Accept.ParseAdd("text/html");
        var challenge = await http.SendAsync(page);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        string form = await challenge.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/admin/sign-in\"", form, StringComparison.Ordinal);
        Assert.Contains("value=\"/dashboard/\"", form, StringComparison.Ordinal);

        var wrong = await http.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "wrong-token-0123456789", ["return"] = "/dashboard/" }));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        // An absolute return address is not followed (no open redirect).
        var signedIn = await http.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = Token, ["return"] = "//evil.example/" }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
        string setCookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie, StringComparison.Ordinal);

        var withCookie = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        withCookie.Headers.Add("Cookie", setCookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withCookie)).StatusCode);

        var forged = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        forged.Headers.Add("Cookie", "grid-admin=" + Convert.ToBase64String(new byte[32]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_admin_routes_answer_loopback_callers_and_the_endpoint_binds_the_configured_address()
    {
        await using var silo = await SiloProcess.StartAsync(redis: null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.AdminPort}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/admin/info")).StatusCode);
        Assert.Contains($"listening on http://127.0.0.1:{silo.AdminPort}", silo.Process.Output, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
