using Grid.AspNetCore.Edge;

namespace Grid.AspNetCore.Tests.Edge;

public sealed class EdgeRuleSetTests
{
    [Fact]
    public void Configured_rules_come_first_then_the_defaults_then_no_store()
    {
        var rules = EdgeRuleSet.Create(new GridEdgeCachingOptions
        {
            Rules = [new GridEdgeRule { Name = "special", Paths = ["/static/special/**"], Duration = TimeSpan.FromMinutes(5) }],
        });

        Assert.Equal("special", rules.Match("/static/special/a.css").Name);
        Assert.Equal("static", rules.Match("/static/other/a.css").Name);
        Assert.Equal("api", rules.Match("/api/x").Name);
        Assert.Equal("html", rules.Match("/about.html").Name);
        Assert.Same(EdgeRule.NoStore, rules.Match("/about"));
    }

    [Fact]
    public void Default_rules_can_be_left_out()
    {
        var rules = EdgeRuleSet.Create(new GridEdgeCachingOptions { UseDefaultRules = false });

        Assert.Same(EdgeRule.NoStore, rules.Match("/static/a.css"));
    }

    [Fact]
    public void The_default_rules_carry_the_documented_headers()
    {
        var rules = EdgeRuleSet.Create(new GridEdgeCachingOptions());

        Assert.Equal("public, max-age=31536000, immutable", rules.Match("/static/a.css").CacheControl);
        Assert.Equal("public, max-age=30", rules.Match("/api/items").CacheControl);
        Assert.Equal(["Accept", "Authorization"], rules.Match("/api/items").Vary);
        Assert.Equal("public, max-age=3600", rules.Match("/index.html").CacheControl);
        Assert.Equal("no-cache, no-store, must-revalidate", rules.Match("/other").CacheControl);
        Assert.False(rules.Match("/other").Storable);
    }

    [Fact]
    public void A_private_rule_is_never_stored_in_the_grid()
    {
        var rules = EdgeRuleSet.Create(new GridEdgeCachingOptions
        {
            Rules = [new GridEdgeRule { Paths = ["/me/**"], Duration = TimeSpan.FromMinutes(1), Visibility = GridEdgeVisibility.Private }],
        });

        Assert.Equal("private, max-age=60", rules.Match("/me/x").CacheControl);
        Assert.False(rules.Match("/me/x").Storable);
    }
}
