using System.Net;
using Grid.Grains.Hosting;
using Grid.Silo.Admin;
using Grid.Tests.Shared.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Deploy.Tests;

/// <summary>The admin token scheme on its own: who is admitted with and without a configured token.</summary>
public sealed class AdminTokenTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", null, true)]
    [InlineData(null, "::1", null, true)]
    [InlineData(null, "10.1.2.3", null, false)]
    [InlineData("0123456789abcdef-token", "10.1.2.3", null, false)]
    [InlineData("0123456789abcdef-token", "127.0.0.1", null, false)]
    [InlineData("0123456789abcdef-token", "10.1.2.3", "Bearer 0123456789abcdef-tokeN", false)]
    [InlineData("0123456789abcdef-token", "10.1.2.3", "Bearer 0123456789abcdef-token", true)]
    public async Task Admin_token_scheme_admits_only_the_token_holder_or_loopback_when_no_token_is_set(string? token, string remote, string? authorization, bool admitted)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGridAdminAuthentication(new GridAdminOptions { Token = token });
        await using var provider = services.BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = provider };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        var result = await context.AuthenticateAsync(AdminTokenAuthentication.SchemeName);
        Assert.Equal(admitted, result.Succeeded);
    }

    [Fact]
    public void Short_tokens_and_missing_token_files_fail_start_up_naming_the_setting()
    {
        string error = Assert.Single(SiloOptionsFailures.Of(new GridAdminOptions { Token = "short" }));
        Assert.Equal("Grid:Admin:Token must hold at least 16 characters.", error);
        error = Assert.Single(SiloOptionsFailures.Of(new GridAdminOptions { TokenFile = "/nonexistent/token" }));
        Assert.Contains("Grid:Admin:TokenFile", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", new GridAdminOptions { Token = "secret-token-value" }.ToString(), StringComparison.Ordinal);
    }
}
