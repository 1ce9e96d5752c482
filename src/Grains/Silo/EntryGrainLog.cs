using Microsoft.Extensions.Logging;

namespace Grid.Grains.Silo;

/// <summary>Log messages of <see cref="SiloEntryGrain"/>.</summary>
internal static partial class EntryGrainLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Entry {Entry} activated away from the silo it names (not yet known here, or gone): it answers untracked and leaves once idle")]
    public static partial void Misplaced(ILogger logger, string entry);
}
