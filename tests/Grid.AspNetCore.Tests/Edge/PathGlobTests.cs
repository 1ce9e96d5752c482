using Grid.AspNetCore.Edge;

namespace Grid.AspNetCore.Tests.Edge;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("/static/**", "/static/a.css", true)]
    [InlineData("/static/**", "/static/a/b/c.js", true)]
    [InlineData("/static/**", "/staticx/a.css", false)]
    [InlineData("/static/**", "/static", false)]
    [InlineData("/api/*", "/api/items", true)]
    [InlineData("/api/*", "/api/items/1", false)]
    [InlineData("/api/**", "/api/items/1", true)]
    [InlineData("/api/*/summary", "/api/7/summary", true)]
    [InlineData("*.html", "/index.html", true)]
    [InlineData("*.html", "/a/b/PAGE.HTML", true)]
    [InlineData("*.html", "/a.html/x", false)]
    [InlineData("*.{css,js}", "/x/app.js", true)]
    [InlineData("*.{css,js}", "/x/app.json", false)]
    [InlineData("/a/?.txt", "/a/b.txt", true)]
    [InlineData("/a/?.txt", "/a/bc.txt", false)]
    [InlineData("/a.b", "/aXb", false)]
    [InlineData("/a+b(c)", "/a+b(c)", true)]
    public void Globs_match_as_documented(string pattern, string path, bool matches)
    {
        Assert.True(PathGlob.TryParse(pattern, out var glob, out _));
        Assert.Equal(matches, glob.IsMatch(path));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("static/**", "must start with '/'")]
    [InlineData("/a/{b", "leaves a brace open")]
    [InlineData("/a/}b", "closes a brace")]
    [InlineData("/a/{b,{c}}", "nests braces")]
    [InlineData("/a b", "white space")]
    public void Bad_globs_are_explained(string pattern, string explanation)
    {
        Assert.False(PathGlob.TryParse(pattern, out _, out var error));
        Assert.Contains(explanation, error, StringComparison.Ordinal);
    }
}
