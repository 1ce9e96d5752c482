using Grid.Core.Tests.Support;
using Grid.Grains.Hosting;
using Grid.Grains.Persistence;
using Grid.Grains.Storage;
using Grid.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Grid.Core.Tests.Persistence;

/// <summary>
/// Writing partitions to their snapshot files and loading them into a partition that starts with nothing: deadlines
/// are kept (expired entries dropped), unchanged partitions are not written again, and a damaged file is reported and
/// skipped.
/// </summary>
public sealed class PartitionSnapshotsTests : IDisposable
{
    private const int PartitionCount = 1024;
    private readonly string _directory = Directory.CreateTempSubdirectory("grid-snapshots-").FullName;
    private readonly FakeLogger _log = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_restored_partition_has_every_unexpired_entry_with_its_remaining_time_to_live()
    {
        var before = SnapshotFormatTests.Filled();
        before.Set("short", "expires before the restart", ttlMs: 1_000);
        Assert.Equal(SnapshotOutcome.Written, (await Snapshots(before).WriteAsync(before.Store)).Outcome);

        // Five seconds later, a new silo (a new store, new snapshot service) starts.
        var after = new StoreFixture(before.Store.Partition);
        after.Advance(5_000);
        var loader = Snapshots(after);
        Assert.True(loader.TryRestore(after.Store));
        Assert.Equal(7, loader.Statistics.EntriesRestored);

        Assert.Equal(ResultStatus.NotFound, after.Get("short").Status);
        Assert.Equal("v", after.GetString("plain"));
        Assert.Equal(-1, after.Ttl("plain").Number);
        Assert.Equal(55_000, after.Ttl("ttl").Number);

        // The sliding entry's deadline is where it was (10 s after its write); a read gives it its whole window again.
        Assert.Equal(5_000, after.Ttl("sliding").Number);
        Assert.Equal("with a window and a cap", after.GetString("sliding"));
        Assert.Equal(10_000, after.Ttl("sliding").Number);

        Assert.Equal(42, after.Increment("counter", 1).Number);
        Assert.Equal("value", System.Text.Encoding.UTF8.GetString(after.HGet("hash", "field").Value!));
        Assert.Equal(new[] { "a", "b", "c" }, after.RangeStrings("list", 0, -1));
        Assert.Equal(1, after.Store.TaggedCount);
        Assert.True(after.Store.Version >= before.Store.Version);
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("restored 7 entries (1 expired meanwhile)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_partition_without_a_file_starts_empty_and_nothing_is_logged()
    {
        var f = new StoreFixture(3);

        Assert.False(Snapshots(f).TryRestore(f.Store));
        Assert.Equal(0, f.Store.Count);
        Assert.Empty(_log.Collector.GetSnapshot());
    }

    [Theory]
    [InlineData("flipped", "checksum mismatch")]
    [InlineData("truncated", "checksum mismatch")]
    [InlineData("short", "truncated: 20 bytes")]
    [InlineData("text", "not a Grid snapshot file")]
    public async Task A_damaged_file_is_reported_naming_the_file_and_why_and_the_partition_starts_empty(string damage, string reason)
    {
        var before = SnapshotFormatTests.Filled();
        var snapshots = Snapshots(before);
        await snapshots.WriteAsync(before.Store);
        string file = snapshots.FileOf(before.Store.Partition)!;
        byte[] bytes = await File.ReadAllBytesAsync(file);
        switch (damage)
        {
            case "flipped":
                bytes[bytes.Length / 2] ^= 0x01;
                break;
            case "truncated":
                bytes = bytes[..(bytes.Length - 3)];
                break;
            case "short":
                bytes = bytes[..20];
                break;
            default:
                bytes = "a file someone put there"u8.ToArray();
                break;
        }

        await File.WriteAllBytesAsync(file, bytes);
        var after = new StoreFixture(before.Store.Partition);

        var loader = Snapshots(after);
        Assert.False(loader.TryRestore(after.Store));
        Assert.Equal(0, after.Store.Count);
        var warning = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(file, warning.Message, StringComparison.Ordinal);
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
        Assert.Equal((1L, 0L), (loader.Statistics.DamagedFiles, loader.Statistics.EntriesRestored));
    }

    [Fact]
    public async Task A_pass_writes_only_the_partitions_that_changed_since_their_file()
    {
        var stores = new[] { new StoreFixture(1), new StoreFixture(2), new StoreFixture(3) };
        foreach (var f in stores)
        {
            f.Set("k", "v");
        }

        var snapshots = Snapshots(stores[0]);
        var all = stores.Select(f => f.Store).ToArray();

        var first = await snapshots.WriteAllAsync(all, CancellationToken.None);
        Assert.Equal((3, 0, 0, 3L), (first.Written, first.Skipped, first.Failed, first.Entries));
        Assert.True(first.LongestPause >= TimeSpan.Zero && first.LongestPause <= first.Elapsed);
        Assert.Equal(3, snapshots.Statistics.FilesWritten);
        Assert.Equal(first.Bytes, snapshots.Statistics.BytesWritten);
        Assert.Equal(first.LongestPause.TotalMilliseconds, snapshots.Statistics.LongestPauseMs, 3);

        var second = await snapshots.WriteAllAsync(all, CancellationToken.None);
        Assert.Equal((0, 3), (second.Written, second.Skipped));

        stores[1].Set("k2", "v2");
        var third = await snapshots.WriteAllAsync(all, CancellationToken.None);
        Assert.Equal((1, 2, 2L), (third.Written, third.Skipped, third.Entries));
    }

    [Fact]
    public async Task A_closed_partition_is_left_to_its_deactivation_which_writes_its_final_state_or_forgets_its_file()
    {
        var f = SnapshotFormatTests.Filled();
        var snapshots = Snapshots(f);
        string file = snapshots.FileOf(f.Store.Partition)!;
        f.Store.Close();

        Assert.Equal(SnapshotOutcome.Skipped, (await snapshots.WriteAsync(f.Store)).Outcome);
        Assert.False(File.Exists(file));

        var final = await snapshots.WriteFinalAsync(f.Store, CancellationToken.None);
        Assert.Equal((SnapshotOutcome.Written, 7), (final.Outcome, final.Entries));
        Assert.True(File.Exists(file));

        // Moved to another silo: that silo writes it from now on.
        await snapshots.ForgetAsync(f.Store.Partition);
        Assert.False(File.Exists(file));
        Assert.DoesNotContain(Directory.EnumerateFiles(_directory), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_final_write_on_shutdown_the_last_periodic_file_stays()
    {
        var f = SnapshotFormatTests.Filled();
        var snapshots = Snapshots(f, onShutdown: false);
        f.Store.Close();

        Assert.Equal(SnapshotOutcome.Skipped, (await snapshots.WriteFinalAsync(f.Store, CancellationToken.None)).Outcome);
        Assert.False(File.Exists(snapshots.FileOf(f.Store.Partition)));
    }

    [Fact]
    public async Task Switched_off_it_writes_and_loads_nothing()
    {
        var f = SnapshotFormatTests.Filled();
        var snapshots = new PartitionSnapshots(new GridPersistenceOptions { Directory = _directory }, PartitionCount, f.Clock, _log);

        Assert.False(snapshots.Enabled);
        Assert.Equal(SnapshotOutcome.Skipped, (await snapshots.WriteAsync(f.Store)).Outcome);
        Assert.False(snapshots.TryRestore(new StoreFixture(f.Store.Partition).Store));
        Assert.Empty(Directory.EnumerateFiles(_directory));
    }

    [Fact]
    public void The_directory_check_names_the_setting_when_the_directory_cannot_be_made()
    {
        string blocked = Path.Combine(_directory, "a-file");
        File.WriteAllText(blocked, "not a directory");

        var error = Assert.Throws<Grid.GridConfigurationException>(() => new PersistenceDirectoryCheck(Path.Combine(blocked, "snapshots")).RunAsync(CancellationToken.None).GetAwaiter().GetResult());

        Assert.StartsWith($"Grid:Persistence:Directory '{Path.Combine(blocked, "snapshots")}' cannot be written (", error.Message, StringComparison.Ordinal);
    }

    private PartitionSnapshots Snapshots(StoreFixture f, bool onShutdown = true) =>
        new(new GridPersistenceOptions { Enabled = true, Directory = _directory, OnShutdown = onShutdown }, PartitionCount, f.Clock, _log);
}
