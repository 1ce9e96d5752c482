using Microsoft.Extensions.Options;

namespace Grid.Client;

/// <summary>Checks <see cref="GridChangeFeedOptions"/> (generated from their attributes and cross-field rule); every failure names the setting.</summary>
[OptionsValidator]
public sealed partial class GridChangeFeedOptionsValidator : IValidateOptions<GridChangeFeedOptions>
{
}
