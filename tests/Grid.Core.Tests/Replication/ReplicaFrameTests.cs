using System.Text;
using Grid.Grains.Replication;
using Grid.Grains.Storage;
using Grid.Protocol;

namespace Grid.Core.Tests.Replication;

/// <summary>The replication frame: every item kind survives a round trip; a truncated or garbled frame fails whole and applies nothing.</summary>
public sealed class ReplicaFrameTests
{
    private const int Partition = 5;

    [Fact]
    public void Every_item_kind_survives_a_round_trip()
    {
        var items = AllKinds();
        var frame = ReplicaFrame.Encode(items);
        var decoded = ReplicaFrame.Decode(frame);

        Assert.Equal(items.Length, decoded.Length);
        Assert.Equal(frame, ReplicaFrame.Encode(decoded));
        for (int i = 0; i < items.Length; i++)
        {
            Assert.Equal(items[i].Kind, decoded[i].Kind);
            Assert.Equal(items[i].Partition, decoded[i].Partition);
            Assert.Equal(items[i].Version, decoded[i].Version);
            Assert.Equal(items[i].PreviousVersion, decoded[i].PreviousVersion);
        }

        var seed = decoded[0].Seed!;
        Assert.Equal(2, seed.Records.Length);
        Assert.Equal(["a", "b"], seed.Structures[0].Fields!);
        Assert.Null(seed.Structures[1].Fields);
        Assert.Equal(7UL, seed.Requests![0].Client);
        Assert.Equal([11L, 12L], seed.Requests[0].Ids);
        var push = decoded.Single(d => d.Delta?.Kind == StructureDeltaKind.ListPush).Delta!;
        Assert.True(push.Left);
        Assert.Equal(["x", "y"], push.Values!.Select(Encoding.UTF8.GetString));
        var set = decoded.Single(d => d.Delta?.Kind == StructureDeltaKind.HashSet).Delta!;
        Assert.Equal("fé", set.Field);
        Assert.Equal(2, set.CountAfter);
        var request = decoded.Single(d => d.Kind == ReplicaItemKind.Request);
        Assert.Equal((ulong.MaxValue, 99L, 98L), (request.RequestClient, request.RequestId, request.CompletedBelow));
    }

    [Fact]
    public void A_truncated_frame_throws_and_applies_nothing()
    {
        var frame = ReplicaFrame.Encode(AllKinds());
        var registry = new ReplicaRegistry(GridClock.System);
        for (int length = 0; length < frame.Length; length++)
        {
            var truncated = frame.AsSpan(0, length).ToArray();
            Assert.Throws<FormatException>(() => registry.Apply(ReplicaFrame.Decode(truncated)));
        }

        Assert.Equal(-1, registry.VersionOf(Partition));
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public void Garbage_throws_a_clear_format_exception()
    {
        var wrongVersion = Assert.Throws<FormatException>(() => ReplicaFrame.Decode([9, 1, 0]));
        Assert.Contains("version", wrongVersion.Message, StringComparison.Ordinal);
        var unknownKind = Assert.Throws<FormatException>(() => ReplicaFrame.Decode([ReplicaFrame.Version, 1, 77, 0, 0]));
        Assert.Contains("kind", unknownKind.Message, StringComparison.Ordinal);
        var frame = ReplicaFrame.Encode([new ReplicaItem { Kind = ReplicaItemKind.Drop, Partition = Partition, Version = 3 }]);
        Assert.Throws<FormatException>(() => ReplicaFrame.Decode([.. frame, 0]));

        var random = new Random(7);
        for (int i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            bytes[0] = ReplicaFrame.Version;
            try
            {
                ReplicaFrame.Decode(bytes);
            }
            catch (FormatException)
            {
                // Expected for almost any garbage; what must never happen is another exception type.
            }
        }
    }

    private static ReplicaItem[] AllKinds()
    {
        var hash = new StructureSnapshot { Record = Record(GridValueType.Hash, "h", 0), Fields = ["a", "b"], Values = [Bytes("1"), Bytes("2")] };
        var list = new StructureSnapshot { Record = Record(GridValueType.List, "l", 0), Values = [Bytes("x")] };
        var seed = new StoreSnapshot
        {
            Version = 10,
            Records = [Record(GridValueType.String, "s", 1), Record(GridValueType.String, "t", 3)],
            Structures = [hash, list],
            Requests = [new RequestLogSnapshot { Client = 7, CompletedBelow = 10, IdleMs = 5, Ids = [11, 12], Answers = [Bytes("r1"), Bytes("r2")] }],
        };
        return
        [
            new() { Kind = ReplicaItemKind.Seed, Partition = Partition, Version = 10, Seed = seed },
            new() { Kind = ReplicaItemKind.Write, Partition = Partition, Version = 11, PreviousVersion = 0, Record = Record(GridValueType.String, "s", 2) },
            new() { Kind = ReplicaItemKind.Write, Partition = Partition, Version = 12, PreviousVersion = 11, Structure = hash },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 13, PreviousVersion = 12, Record = hash.Record, Delta = new StructureDelta { Kind = StructureDeltaKind.HashSet, Field = "fé", Value = Bytes("v"), CountAfter = 2 } },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 14, PreviousVersion = 13, Record = hash.Record, Delta = new StructureDelta { Kind = StructureDeltaKind.HashDelete, Field = "a", CountAfter = 1 } },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 15, PreviousVersion = 14, Record = list.Record, Delta = new StructureDelta { Kind = StructureDeltaKind.ListPush, Values = [Bytes("x"), Bytes("y")], Left = true, CountAfter = 3 } },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 16, PreviousVersion = 15, Record = list.Record, Delta = new StructureDelta { Kind = StructureDeltaKind.ListPop, Count = 2, CountAfter = 1 } },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 17, PreviousVersion = 16, Record = list.Record, Delta = new StructureDelta { Kind = StructureDeltaKind.Header, CountAfter = 1 } },
            new() { Kind = ReplicaItemKind.Delta, Partition = Partition, Version = 18, PreviousVersion = 17, Record = Record(GridValueType.Hash, "h2", 0), Delta = new StructureDelta { Kind = StructureDeltaKind.Create } },
            new() { Kind = ReplicaItemKind.Remove, Partition = Partition, Version = 19, PreviousVersion = 18, Record = Bytes("t") },
            new() { Kind = ReplicaItemKind.Request, Partition = Partition, Version = 19, RequestClient = ulong.MaxValue, RequestId = 99, CompletedBelow = 98, Record = Bytes("answer") },
            new() { Kind = ReplicaItemKind.Drop, Partition = Partition, Version = 20 },
        ];
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Record(GridValueType type, string key, int value)
    {
        var bytes = type == GridValueType.String ? Bytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : [];
        var record = EntryRecord.Create(type, Bytes(key), EntryExpiry.None, [], bytes.Length, GridClock.System.NowMs, out int offset);
        bytes.CopyTo(record.AsSpan(offset));
        return record;
    }
}
