using Microsoft.Extensions.Options;

namespace Grid.Client;

/// <summary>
/// Checks <see cref="GridClientOptions"/> when the host starts: generated from the attributes on the options and their
/// nested settings, plus their cross-field rules. Every failure is one line naming the setting.
/// </summary>
[OptionsValidator]
public sealed partial class GridClientOptionsValidator : IValidateOptions<GridClientOptions>
{
}
