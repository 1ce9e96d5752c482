namespace Grid.Grains.Hosting;

/// <summary>
/// Warm restart: checks before the silo starts that <c>Grid:Persistence:Directory</c> exists (or can be made) and takes a
/// file, so a missing volume or a read-only mount is one line at start-up rather than a warning per partition later.
/// </summary>
internal sealed class PersistenceDirectoryCheck(string directory) : ISiloStartupCheck
{
    private bool _passed;

    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (_passed)
        {
            return Task.CompletedTask;
        }

        string probe = Path.Combine(directory, $".grid-write-check.{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(probe, "Grid");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new GridConfigurationException(
                $"{GridSiloOptions.SectionName}:Persistence:Directory '{directory}' cannot be written ({ex.Message.TrimEnd('.')}): give the silo a directory it may write (a volume's mount path), or turn warm restart off (Grid__Persistence__Enabled=false)",
                ex);
        }

        _passed = true;
        return Task.CompletedTask;
    }
}
