using Microsoft.Extensions.Options;

namespace Grid.AspNetCore.Edge;

/// <summary>Checks <see cref="GridEdgeCachingOptions"/> at start-up; every failure names its setting.</summary>
internal sealed class GridEdgeCachingOptionsValidator : IValidateOptions<GridEdgeCachingOptions>
{
    public ValidateOptionsResult Validate(string? name, GridEdgeCachingOptions options)
    {
        var errors = new List<string>();
        EdgeRuleSet.Compile(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
