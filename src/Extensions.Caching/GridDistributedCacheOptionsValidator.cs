using Microsoft.Extensions.Options;

namespace Grid.Extensions.Caching;

/// <summary>Checks <see cref="GridDistributedCacheOptions"/> when the host starts (generated from their attributes).</summary>
[OptionsValidator]
internal sealed partial class GridDistributedCacheOptionsValidator : IValidateOptions<GridDistributedCacheOptions>
{
}
