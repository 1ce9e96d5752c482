using Microsoft.Extensions.Options;

namespace Grid.AspNetCore;

/// <summary>Checks <see cref="GridOutputCacheOptions"/> when the host starts (generated from their attributes).</summary>
[OptionsValidator]
internal sealed partial class GridOutputCacheOptionsValidator : IValidateOptions<GridOutputCacheOptions>
{
}
