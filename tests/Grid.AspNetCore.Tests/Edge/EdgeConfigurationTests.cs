using Grid.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Edge;

/// <summary>Bad <c>GridEdge</c> settings stop start-up, and the message names the setting.</summary>
[Collection(GridCollection.Name)]
public sealed class EdgeConfigurationTests(GridSilosFixture grid)
{
    [Theory]
    [InlineData("GridEdge:Rules:0:Duratoin", "00:01:00", "Duratoin")]
    [InlineData("GridEdge:Rules:0:Duration", "a year", "GridEdge:Rules:0:Duration")]
    [InlineData("GridEdge:Rules:0:Duration", "-00:00:01", "GridEdge:Rules:0:Duration")]
    [InlineData("GridEdge:Rules:0:Duration", "00:00:00.5", "GridEdge:Rules:0:Duration")]
    [InlineData("GridEdge:Rules:0:Visibility", "Protected", "GridEdge:Rules:0:Visibility")]
    [InlineData("GridEdge:Rules:0:Paths:0", "static/**", "GridEdge:Rules:0:Paths:0")]
    [InlineData("GridEdge:Rules:0:Paths:0", "/a/{b", "GridEdge:Rules:0:Paths:0")]
    [InlineData("GridEdge:Rules:0:Vary:0", "*", "GridEdge:Rules:0:Vary:0")]
    [InlineData("GridEdge:Rules:0:AllowAuthorization", "true", "GridEdge:Rules:0:AllowAuthorization")]
    [InlineData("GridEdge:Rules:0:Immutable", "true", "GridEdge:Rules:0:Immutable")]
    [InlineData("GridEdge:Rules:0:Tags:0", " ", "GridEdge:Rules:0:Tags:0")]
    [InlineData("GridEdge:MaxBodyBytes", "0", "GridEdge:MaxBodyBytes")]
    [InlineData("GridEdge:InstanceName", "", "GridEdge:InstanceName")]
    public async Task A_bad_setting_fails_start_up_with_a_message_naming_it(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GridEdge:Rules:0:Paths:0"] = "/x/**",
            ["GridEdge:Rules:0:Duration"] = setting.EndsWith(":Immutable", StringComparison.Ordinal) ? "00:00:00" : "00:01:00",
            [setting] = value,
        };
        await using var app = KestrelApp.Build(grid, builder => builder.AddGridEdgeCaching(), settings);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.True(error.Message.Contains(named, StringComparison.Ordinal), $"'{named}' is not named in: {error.GetType().Name}: {error.Message}");
    }

    [Fact]
    public async Task A_rule_without_paths_fails_start_up()
    {
        await using var app = KestrelApp.Build(grid, builder => builder.AddGridEdgeCaching(o => o.Rules.Add(new GridEdgeRule { Duration = TimeSpan.FromMinutes(1) })));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains("GridEdge:Rules:0:Paths must list at least one path glob", error.Message, StringComparison.Ordinal);
    }
}
