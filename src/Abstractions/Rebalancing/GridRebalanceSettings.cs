namespace Grid;

/// <summary>
/// The settings that steer partition moves at run time, the same on every silo: a change made through one silo is sent
/// to every silo's agent, and a silo that joins later asks the others for the newest. Settings are ordered by
/// <see cref="Version"/>, then by <see cref="ChangedBy"/>; a restarted cluster starts again from the configured options
/// (<c>Grid:Balancing</c>) at version 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.RebalanceSettings")]
public sealed record GridRebalanceSettings
{
    /// <summary>Increases with every change; 0 for the configured options.</summary>
    [Id(0)] public long Version { get; init; }

    /// <summary>No new partition move starts (moves under way finish); every key is still served where it is.</summary>
    [Id(1)] public bool Paused { get; init; }

    /// <summary>Partitions one silo moves at the same time.</summary>
    [Id(2)] public int MaxConcurrentMoves { get; init; }

    /// <summary>Bytes per second one silo may move (a token bucket charged with each partition's bytes before it moves); 0: no limit.</summary>
    [Id(3)] public long BytesPerSecond { get; init; }

    /// <summary>The silo that made the change; empty for the configured options.</summary>
    [Id(4)] public string ChangedBy { get; init; } = "";

    /// <summary>When the change was made, Unix time in milliseconds; 0 for the configured options.</summary>
    [Id(5)] public long ChangedAtUnixMs { get; init; }

    /// <summary>Whether these settings supersede <paramref name="other"/> (higher version; on a tie, the higher <see cref="ChangedBy"/>).</summary>
    /// <param name="other">The settings in force.</param>
    public bool IsNewerThan(GridRebalanceSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Version != other.Version ? Version > other.Version : string.CompareOrdinal(ChangedBy, other.ChangedBy) > 0;
    }
}
