using System.Buffers;
using Grid.Core.Tests.Support;
using Grid.Grains.Persistence;
using Grid.Grains.Storage;
using Grid.Tests.Shared.Replication;

namespace Grid.Core.Tests.Persistence;

/// <summary>The snapshot file format: what is written reads back the same, and a damaged file is refused with a reason.</summary>
public sealed class SnapshotFormatTests
{
    private const int Partition = 7;
    private const int PartitionCount = 1024;
    private const long WrittenAt = 1_735_689_600_000;

    [Fact]
    public void Every_kind_of_entry_with_its_expiry_tags_and_the_version_reads_back_as_written()
    {
        var snapshot = Filled().Store.Snapshot();
        byte[] file = Encode(snapshot);

        Assert.True(SnapshotFormat.TryRead(file, Partition, PartitionCount, out var read, out string error), error);
        Assert.Equal(Partition, read!.Partition);
        Assert.Equal(WrittenAt, read.WrittenAtMs);
        Assert.Equal(snapshot.Version, read.Snapshot.Version);
        Assert.Equal(SnapshotContents.Of(snapshot), SnapshotContents.Of(read.Snapshot));

        // Byte for byte, so sliding windows, caps, tags and LRU stamps come back too.
        Assert.Equal(snapshot.Records.Length, read.Snapshot.Records.Length);
        for (int i = 0; i < snapshot.Records.Length; i++)
        {
            Assert.Equal(snapshot.Records[i], read.Snapshot.Records[i]);
        }

        Assert.Equal(snapshot.Structures.Length, read.Snapshot.Structures.Length);
        for (int i = 0; i < snapshot.Structures.Length; i++)
        {
            Assert.Equal(snapshot.Structures[i].Record, read.Snapshot.Structures[i].Record);
        }

        Assert.Equal(file.Length, SnapshotFormat.SizeOf(snapshot));
    }

    [Fact]
    public void An_empty_partition_reads_back_empty()
    {
        var snapshot = new StoreFixture(Partition).Store.Snapshot();

        Assert.True(SnapshotFormat.TryRead(Encode(snapshot), Partition, PartitionCount, out var read, out string error), error);
        Assert.Empty(read!.Snapshot.Records);
        Assert.Empty(read.Snapshot.Structures);
    }

    [Fact]
    public void Every_truncation_of_a_file_is_refused_with_a_reason()
    {
        byte[] file = Encode(Filled().Store.Snapshot());

        for (int length = 0; length < file.Length; length++)
        {
            Assert.False(SnapshotFormat.TryRead(file.AsSpan(0, length), Partition, PartitionCount, out var read, out string error), $"read {length} of {file.Length} bytes");
            Assert.Null(read);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
    }

    [Fact]
    public void A_file_with_any_one_byte_flipped_is_refused_with_a_reason()
    {
        byte[] file = Encode(Filled().Store.Snapshot());

        for (int i = 0; i < file.Length; i++)
        {
            byte[] damaged = (byte[])file.Clone();
            damaged[i] ^= 0xFF;
            Assert.False(SnapshotFormat.TryRead(damaged, Partition, PartitionCount, out _, out string error), $"byte {i} of {file.Length} flipped");
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
    }

    [Fact]
    public void Bytes_added_after_the_checksum_are_refused()
    {
        byte[] file = Encode(Filled().Store.Snapshot());

        Assert.False(SnapshotFormat.TryRead([.. file, 0], Partition, PartitionCount, out _, out string error));
        Assert.Contains("checksum", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_snapshot_is_refused_as_such()
    {
        byte[] text = new byte[100];
        "just some text, not a snapshot"u8.CopyTo(text);

        Assert.False(SnapshotFormat.TryRead(text, Partition, PartitionCount, out _, out string error));
        Assert.Equal("not a Grid snapshot file (wrong magic bytes)", error);
    }

    [Fact]
    public void A_file_of_another_partition_or_another_partition_count_is_refused_naming_both()
    {
        byte[] file = Encode(Filled().Store.Snapshot());

        Assert.False(SnapshotFormat.TryRead(file, Partition + 1, PartitionCount, out _, out string error));
        Assert.Equal($"it holds partition {Partition}, not {Partition + 1}", error);
        Assert.False(SnapshotFormat.TryRead(file, Partition, 256, out _, out error));
        Assert.Equal("written by a cluster of 1024 partitions, this one has 256 (Grid:PartitionCount)", error);
    }

    [Fact]
    public void A_file_of_a_newer_format_version_is_refused_naming_it()
    {
        byte[] file = Encode(Filled().Store.Snapshot());
        file[8] = 3;

        Assert.False(SnapshotFormat.TryRead(file, Partition, PartitionCount, out _, out string error));
        Assert.Equal("format version 3, this silo reads versions 1 and 2", error);
    }

    [Fact]
    public void A_file_of_format_1_reads_back_with_its_entries_and_a_store_gives_them_real_versions()
    {
        var snapshot = Filled().Store.Snapshot();
        byte[] file = EncodeVersion1(snapshot);

        Assert.True(SnapshotFormat.TryRead(file, Partition, PartitionCount, out var read, out string error), error);
        var expected = SnapshotContents.Of(snapshot).ToDictionary(e => e.Key, e => e.Value[..e.Value.LastIndexOf('#')] + "#0");
        Assert.Equal(expected, SnapshotContents.Of(read!.Snapshot));

        // Version 0 means "no such key" to a conditional write, so the store that loads them gives each a version.
        var store = new StoreFixture(Partition);
        store.Store.Restore(read.Snapshot);
        foreach (var record in store.Store.Snapshot().Records)
        {
            Assert.NotEqual(0, EntryRecord.Version(record));
        }

        Assert.Equal("with a deadline", store.GetString("ttl"));
        Assert.Equal(["a", "b", "c"], store.RangeStrings("list", 0, -1));
    }

    /// <summary>A store with strings (plain, with a TTL, sliding with a cap, tagged), a counter, a hash and a list.</summary>
    internal static StoreFixture Filled()
    {
        var f = new StoreFixture(Partition);
        f.Set("plain", "v");
        f.Set("ttl", "with a deadline", ttlMs: 60_000);
        f.Set("sliding", "with a window and a cap", ttlMs: 120_000, slidingMs: 10_000);
        f.Set("tagged", "carries tags", tags: ["user:42", "product"]);
        f.Increment("counter", 41);
        f.HSet("hash", "field", "value");
        f.HSet("hash", "é", "unicode field");
        f.Push("list", left: false, "a", "b", "c");
        return f;
    }

    /// <summary>The file format 1 wrote: the same layout, records without the 8-byte version at offset 10.</summary>
    private static byte[] EncodeVersion1(StoreSnapshot snapshot)
    {
        static byte[] Strip(byte[] record)
        {
            byte[] v1 = [.. record.AsSpan(0, 10), .. record.AsSpan(18)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(8), (ushort)v1.Length);
            return v1;
        }

        var old = new StoreSnapshot
        {
            Version = snapshot.Version,
            Records = [.. snapshot.Records.Select(Strip)],
            Structures = [.. snapshot.Structures.Select(s => new StructureSnapshot { Record = Strip(s.Record), Fields = s.Fields, Values = s.Values })],
        };
        byte[] file = Encode(old);
        file[8] = 1;
        int body = file.Length - 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(body), System.IO.Hashing.XxHash64.HashToUInt64(file.AsSpan(0, body)));
        return file;
    }

    private static byte[] Encode(StoreSnapshot snapshot)
    {
        var output = new ArrayBufferWriter<byte>();
        SnapshotFormat.Write(output, Partition, PartitionCount, WrittenAt, snapshot);
        return output.WrittenSpan.ToArray();
    }
}
