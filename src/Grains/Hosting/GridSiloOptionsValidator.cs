using Microsoft.Extensions.Options;

namespace Grid.Grains.Hosting;

/// <summary>
/// Checks <see cref="GridSiloOptions"/> when the silo starts: generated from the attributes on the options and their
/// nested settings, plus their cross-field rules. Every failure is one line naming the setting (<c>Grid:PartitionCount
/// must be between 1 and 65536 (it is 0).</c>).
/// </summary>
[OptionsValidator]
public sealed partial class GridSiloOptionsValidator : IValidateOptions<GridSiloOptions>
{
}
