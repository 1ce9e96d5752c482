namespace Grid.Grains.Silo;

/// <summary>
/// The grain type of this silo's <see cref="SiloDirectEntry"/> service, set when the service is made (at silo start):
/// what <see cref="Protocol.GridClusterInfo.DirectEntryType"/> tells clients, who address the service at each silo's
/// gateway.
/// </summary>
internal sealed class DirectEntryIdentity
{
    private string? _grainType;

    /// <summary>The service's grain type; null until the service exists.</summary>
    public string? GrainType
    {
        get => Volatile.Read(ref _grainType);
        set => Volatile.Write(ref _grainType, value);
    }
}
