using System.Globalization;

namespace Grid.Grains.Persistence;

/// <summary>
/// The snapshot files of one directory, one per partition (<c>partition-00042.gridsnap</c>). A file is written to a
/// temporary name beside it, flushed to disk, then renamed over the old one: a reader (or a silo starting after a crash
/// mid-write) sees the old file or the new one, never half of one.
/// </summary>
internal sealed class SnapshotDirectory(string path)
{
    public const string Extension = ".gridsnap";
    private const string TemporaryExtension = ".tmp";

    // A temporary file this old was left by a process that died mid-write (a live writer renames within seconds).
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The file of <paramref name="partition"/>.</summary>
    public string FileOf(int partition) => System.IO.Path.Combine(Path, string.Create(CultureInfo.InvariantCulture, $"partition-{partition:D5}{Extension}"));

    /// <summary>Replaces the file of <paramref name="partition"/> with <paramref name="bytes"/> (atomically, see the class).</summary>
    /// <exception cref="IOException">The directory or the disk failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The silo may not write there.</exception>
    public void Write(int partition, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path);
        string target = FileOf(partition);

        // Unique per process: silos sharing the directory never write the same temporary file.
        string temporary = string.Create(CultureInfo.InvariantCulture, $"{target}.{Environment.ProcessId}{TemporaryExtension}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(bytes);

                // On disk before the rename, or a machine that loses power could keep the new name with no content.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The bytes of <paramref name="partition"/>'s file, or null when there is none.</summary>
    /// <exception cref="IOException">The file exists but could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The silo may not read it.</exception>
    public byte[]? TryRead(int partition)
    {
        try
        {
            return File.ReadAllBytes(FileOf(partition));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes <paramref name="partition"/>'s file, if any.</summary>
    /// <exception cref="IOException">The file could not be deleted.</exception>
    /// <exception cref="UnauthorizedAccessException">The silo may not delete it.</exception>
    public void Delete(int partition)
    {
        try
        {
            File.Delete(FileOf(partition));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Deletes temporary files that writers which died mid-write left behind; returns how many.</summary>
    public int RemoveAbandoned(DateTimeOffset now)
    {
        if (!Directory.Exists(Path))
        {
            return 0;
        }

        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(Path, "*" + Extension + ".*" + TemporaryExtension))
        {
            if (now.UtcDateTime - File.GetLastWriteTimeUtc(file) > AbandonedAfter && TryDelete(file))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
