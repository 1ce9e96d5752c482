using Grid.AspNetCore.Edge;
using Microsoft.AspNetCore.Http;

namespace Grid.AspNetCore.Tests.Edge;

public sealed class EdgeCacheKeyTests
{
    private static readonly EdgeRule Api = EdgeRuleSet.Create(new GridEdgeCachingOptions()).Match("/api/x");

    private static HttpRequest Request(string method = "GET", string path = "/api/x", string query = "", string? authorization = null, string accept = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("Shop.Example");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Headers.Accept = accept;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    [Fact]
    public void Head_shares_the_key_of_get()
    {
        Assert.Equal(EdgeCacheKey.Build(Request("GET"), Api), EdgeCacheKey.Build(Request("HEAD"), Api));
    }

    [Fact]
    public void Path_query_and_vary_values_make_different_keys()
    {
        var keys = new[]
        {
            EdgeCacheKey.Build(Request(), Api),
            EdgeCacheKey.Build(Request(path: "/api/y"), Api),
            EdgeCacheKey.Build(Request(query: "?page=2"), Api),
            EdgeCacheKey.Build(Request(accept: "text/plain"), Api),
            EdgeCacheKey.Build(Request(authorization: "Bearer one"), Api),
            EdgeCacheKey.Build(Request(authorization: "Bearer two"), Api),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Credentials_never_appear_in_a_key()
    {
        string key = EdgeCacheKey.Build(Request(authorization: "Bearer secret-token"), Api);

        Assert.DoesNotContain("secret-token", key, StringComparison.Ordinal);
        Assert.Contains("authorization=sha256:", key, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_key_is_replaced_by_its_hash()
    {
        string key = EdgeCacheKey.Build(Request(query: "?q=" + new string('x', 5000)), Api);

        Assert.StartsWith("edge:sha256:", key, StringComparison.Ordinal);
        Assert.True(key.Length < 100);
    }
}
