using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Grid.EndToEnd.Tests.Infrastructure;

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
