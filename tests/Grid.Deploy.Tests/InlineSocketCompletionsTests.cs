using Grid.Silo;

namespace Grid.Deploy.Tests;

/// <summary>
/// The silo program turns on the runtime's inline socket completions (<c>Grid:InlineSocketCompletions</c>, default on)
/// unless the environment already decides.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public void Setting_on_sets_the_runtime_switch_when_the_environment_has_none()
    {
        Assert.Equal("1", InlineSocketCompletions.ValueToSet(enabled: true, current: null));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void A_value_already_in_the_environment_wins(string current)
    {
        Assert.Null(InlineSocketCompletions.ValueToSet(enabled: true, current));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void Setting_off_leaves_the_environment_alone(string? current)
    {
        Assert.Null(InlineSocketCompletions.ValueToSet(enabled: false, current));
    }

    [Fact]
    public void The_switch_is_the_runtimes_variable()
    {
        Assert.Equal("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", InlineSocketCompletions.Variable);
    }
}
