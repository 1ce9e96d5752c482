using System.Buffers;
using System.Diagnostics;
using Grid.Grains.Hosting;
using Grid.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Grains.Persistence;

/// <summary>
/// Warm restart: writes this silo's partitions to their snapshot files (<see cref="SnapshotFormat"/> in a
/// <see cref="SnapshotDirectory"/>) and loads a file into a partition that activates with nothing else. Writes run one
/// partition at a time: each copies its partition's entries under the partition's lock (the only pause operations see,
/// bounded by one partition's size), then encodes and writes the file with no lock held. Does nothing when
/// <c>Grid:Persistence:Enabled</c> is false.
/// </summary>
internal sealed partial class PartitionSnapshots : IDisposable
{
    // A buffer grown past this by an unusually large partition is not kept for the next one.
    private const int KeptBufferBytes = 16 << 20;

    private readonly SnapshotDirectory? _directory;
    private readonly bool _onShutdown;
    private readonly int _partitionCount;
    private readonly GridClock _clock;
    private readonly ILogger _logger;

    // One write at a time: the buffer is shared, and a partition's final write (its deactivation) can never be overtaken
    // by an older periodic write of the same partition renaming its file later.
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Per partition, the store and version its file holds: an unchanged partition is not written again.
    private readonly (PartitionStore? Store, long Version)[] _written;
    private ArrayBufferWriter<byte> _buffer = new(64 << 10);

    /// <summary>What the files did since the silo started (metrics).</summary>
    public SnapshotStatistics Statistics { get; } = new();

    public PartitionSnapshots(IOptions<GridSiloOptions> options, GridClock clock, ILogger<PartitionSnapshots> logger)
        : this(options.Value.Persistence, options.Value.PartitionCount, clock, logger)
    {
    }

    internal PartitionSnapshots(GridPersistenceOptions options, int partitionCount, GridClock clock, ILogger logger)
    {
        if (options is { Enabled: true, Directory: { } directory } && !string.IsNullOrWhiteSpace(directory))
        {
            _directory = new SnapshotDirectory(directory);
        }

        _onShutdown = options.OnShutdown;
        _partitionCount = partitionCount;
        _clock = clock;
        _logger = logger;
        _written = new (PartitionStore?, long)[partitionCount];
    }

    /// <summary>Whether snapshots are written and loaded at all.</summary>
    public bool Enabled => _directory is not null;

    /// <summary>Whether a partition writes its file when the silo stops gracefully.</summary>
    public bool WritesOnShutdown => Enabled && _onShutdown;

    /// <summary>The directory of the files (null when off).</summary>
    public string? DirectoryPath => _directory?.Path;

    /// <summary>The file of <paramref name="partition"/> (null when off).</summary>
    public string? FileOf(int partition) => _directory?.FileOf(partition);

    /// <summary>
    /// Loads <paramref name="store"/>'s (a new, empty store's) partition from this silo's file of it, if there is one:
    /// entries that expired meanwhile are dropped, the others keep their deadlines. A file that cannot be read, or is
    /// truncated, corrupt or foreign, is reported (a warning naming the file and why) and skipped. True when a file was
    /// loaded. (A partition grain asks the other silos too: <see cref="SnapshotRecovery"/>.)
    /// </summary>
    public bool TryRestore(PartitionStore store)
    {
        if (TryLoad(store.Partition, out _) is not { } file)
        {
            return false;
        }

        Restore(store, file, FileOf(store.Partition)!, fromThisSilo: true);
        return true;
    }

    /// <summary>
    /// This silo's file of <paramref name="partition"/>, read and checked (its bytes in <paramref name="bytes"/>), or
    /// null when there is none or it is unusable (reported: a warning naming the file and why).
    /// </summary>
    public SnapshotFile? TryLoad(int partition, out byte[]? bytes)
    {
        bytes = null;
        if (_directory is null)
        {
            return null;
        }

        string file = _directory.FileOf(partition);
        try
        {
            bytes = _directory.TryRead(partition);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Statistics.Damaged();
            LogUnusable(_logger, file, ex.Message);
            return null;
        }

        return bytes is null ? null : Parse(bytes, partition, file);
    }

    /// <summary>The file in <paramref name="bytes"/> (from <paramref name="source"/>), or null when it is unusable (reported).</summary>
    public SnapshotFile? Parse(byte[] bytes, int partition, string source)
    {
        if (SnapshotFormat.TryRead(bytes, partition, _partitionCount, out var file, out string error))
        {
            return file;
        }

        Statistics.Damaged();
        LogUnusable(_logger, source, error);
        return null;
    }

    /// <summary>
    /// Loads <paramref name="file"/> into <paramref name="store"/> (a new, empty store). A file of this silo needs no
    /// writing again until the partition changes; one fetched from another silo is written here soon.
    /// </summary>
    public void Restore(PartitionStore store, SnapshotFile file, string source, bool fromThisSilo)
    {
        var snapshot = file.Snapshot;
        store.Restore(snapshot);
        int inFile = snapshot.Records.Length + snapshot.Structures.Length;
        if (fromThisSilo)
        {
            _written[store.Partition] = (store, store.Version);
        }
        else
        {
            WriteSoon(store);
        }

        Statistics.Restored(store.Count);
        if (inFile > 0)
        {
            var age = TimeSpan.FromMilliseconds(Math.Max(0, _clock.NowMs - file.WrittenAtMs));
            LogRestored(_logger, store.Partition, store.Count, inFile - store.Count, source, age);
        }
    }

    /// <summary>
    /// Writes <paramref name="store"/>'s snapshot unless its partition is unchanged since its file, or the store has
    /// closed (its partition moved on; the deactivation writes or deletes the file).
    /// </summary>
    public async Task<SnapshotWrite> WriteAsync(PartitionStore store, CancellationToken cancellationToken = default)
    {
        if (_directory is null)
        {
            return SnapshotWrite.Skipped;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var last = _written[store.Partition];
            if (store.IsClosed || (ReferenceEquals(last.Store, store) && last.Version == store.Version))
            {
                return SnapshotWrite.Skipped;
            }

            return Write(_directory, store);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes the file of a partition that just arrived on this silo (moved here, or brought back from its replica)
    /// in the background: the silo it came from deleted or no longer writes its own, and until this one is written
    /// a restart of the whole cluster would find none (or an older one) for it.
    /// </summary>
    public void WriteSoon(PartitionStore store)
    {
        if (_directory is null)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await WriteAsync(store).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The silo stopped meanwhile; its partitions wrote their final state as they deactivated.
            }
        });
    }

    /// <summary>
    /// A partition's last write as it stops with its silo (its store is closed: nothing changes any more), when
    /// <c>Grid:Persistence:OnShutdown</c> is on. Always written, even unchanged: reads since the last file moved sliding
    /// deadlines. Cancelled by <paramref name="cancellationToken"/> (the deactivation's time ran out), the file stays as it was.
    /// </summary>
    public async Task<SnapshotWrite> WriteFinalAsync(PartitionStore store, CancellationToken cancellationToken)
    {
        if (_directory is null || !_onShutdown)
        {
            return SnapshotWrite.Skipped;
        }

        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogFinalCancelled(_logger, store.Partition, _directory.FileOf(store.Partition));
            return SnapshotWrite.Failed;
        }

        try
        {
            return Write(_directory, store);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes every partition of <paramref name="stores"/> that changed since its file, one at a time, and says what the
    /// pass did and the longest pause it caused.
    /// </summary>
    public async Task<SnapshotPass> WriteAllAsync(IReadOnlyList<PartitionStore> stores, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        int written = 0, skipped = 0, failed = 0;
        long entries = 0, bytes = 0;
        var longestPause = TimeSpan.Zero;
        for (int i = 0; i < stores.Count; i++)
        {
            var result = await WriteAsync(stores[i], cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case SnapshotOutcome.Written:
                    written++;
                    entries += result.Entries;
                    bytes += result.Bytes;
                    break;
                case SnapshotOutcome.Failed:
                    failed++;
                    break;
                default:
                    skipped++;
                    break;
            }

            if (result.Pause > longestPause)
            {
                longestPause = result.Pause;
            }
        }

        return new SnapshotPass(written, skipped, failed, entries, bytes, Stopwatch.GetElapsedTime(started), longestPause);
    }

    /// <summary>
    /// Deletes <paramref name="partition"/>'s file: the partition moved to another silo, which writes it from now on; a
    /// file left here would bring back its old entries should the partition ever start here with nothing.
    /// </summary>
    public async Task ForgetAsync(int partition)
    {
        if (_directory is null)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _written[partition] = default;
            _directory.Delete(partition);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(_logger, _directory.FileOf(partition), ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes temporary files left by a silo that died mid-write (at start-up).</summary>
    public void RemoveAbandoned()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            int removed = _directory.RemoveAbandoned(_clock.TimeProvider.GetUtcNow());
            if (removed > 0)
            {
                LogAbandoned(_logger, removed, _directory.Path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(_logger, _directory.Path, ex.Message);
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Copies the entries (the pause), encodes them and replaces the file. Called under <see cref="_gate"/>.</summary>
    private SnapshotWrite Write(SnapshotDirectory directory, PartitionStore store)
    {
        long copying = Stopwatch.GetTimestamp();
        var snapshot = store.Snapshot();
        var pause = Stopwatch.GetElapsedTime(copying);

        _buffer.ResetWrittenCount();
        SnapshotFormat.Write(_buffer, store.Partition, _partitionCount, _clock.NowMs, snapshot);
        int size = _buffer.WrittenCount;
        try
        {
            directory.Write(store.Partition, _buffer.WrittenSpan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, store.Partition, directory.FileOf(store.Partition), ex.Message);
            Statistics.Failed(pause);
            return SnapshotWrite.Failed with { Pause = pause };
        }
        finally
        {
            if (_buffer.Capacity > KeptBufferBytes)
            {
                _buffer = new ArrayBufferWriter<byte>(64 << 10);
            }
        }

        _written[store.Partition] = (store, snapshot.Version);
        Statistics.Written(size, pause);
        return new SnapshotWrite(SnapshotOutcome.Written, snapshot.Records.Length + snapshot.Structures.Length, size, pause);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} restored {Entries} entries ({Expired} expired meanwhile) from {Source}, written {Age} ago")]
    private static partial void LogRestored(ILogger logger, int partition, int entries, int expired, string source, TimeSpan age);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot file {File} skipped: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: snapshot file {File} could not be written: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int partition, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Partition}: its final snapshot was not written to {File} before its deactivation timed out")]
    private static partial void LogFinalCancelled(ILogger logger, int partition, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot file {File} could not be deleted: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} temporary snapshot file(s) left in {Directory} by an interrupted write")]
    private static partial void LogAbandoned(ILogger logger, int count, string directory);
}
