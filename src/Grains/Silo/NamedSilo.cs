using Orleans.Runtime;

namespace Grid.Grains.Silo;

/// <summary>
/// Grains keyed <c>{silo address}#{name}</c> (<see cref="SiloTargetedPlacementAttribute"/>) belong on the silo their key
/// names, but Orleans places them where the first call lands when that silo is not known there (it just joined) or is
/// gone. Such an activation must not act for the named silo: its near-cache slots and sequences are another hub's.
/// </summary>
internal static class NamedSilo
{
    /// <summary>True when <paramref name="grainKey"/> names <paramref name="local"/>.</summary>
    public static bool Hosts(SiloAddress local, string grainKey) =>
        grainKey.StartsWith(local.ToParsableString() + "#", StringComparison.Ordinal);
}
