using System.Text;
using Grid.Grains.Storage;
using Grid.Grains.Tags;
using Grid.Protocol;
using Grid.Protocol.Wire;

namespace Grid.Core.Tests.Tags;

public sealed class TagFramesTests
{
    [Fact]
    public void Removal_frames_are_request_frames_of_tag_checked_removes_that_silos_accept()
    {
        var block = TagRemovalFrame.BlockOf("user:42"u8);
        using var body = new FrameBuffer();
        TagRemovalFrame.Write(body, "k1"u8, block);
        TagRemovalFrame.Write(body, "k2"u8, block);
        var frame = TagRemovalFrame.Build(2, body.Written);

        var reader = new OpFrameReader(frame);
        Assert.Equal(2, reader.Count);
        var keys = new List<string>();
        while (reader.TryRead(out var op, out _, out _))
        {
            Assert.Equal(OpCode.RemoveTagged, op.Code);
            Assert.Equal(["user:42"], TagBlock.Decode(op.Tags));
            Assert.False(OpValidator.TryGetError(op, new GridLimits(), out var error), error.Error);
            keys.Add(Encoding.UTF8.GetString(op.Key));
        }

        Assert.Equal(["k1", "k2"], keys);
    }

    [Fact]
    public void Silos_refuse_a_tag_checked_remove_without_exactly_one_tag()
    {
        var none = new GridOp { Code = OpCode.RemoveTagged, Key = "k"u8.ToArray() };
        var two = new GridOp { Code = OpCode.RemoveTagged, Key = "k"u8.ToArray(), Tags = ["a", "b"] };
        Assert.True(OpValidator.TryGetError(none, new GridLimits(), out var error));
        Assert.Contains("exactly one tag", error.Error, StringComparison.Ordinal);
        Assert.True(OpValidator.TryGetError(two, new GridLimits(), out _));
    }

    [Fact]
    public void Update_frames_carry_additions_and_removals_in_order()
    {
        using var body = new FrameBuffer();
        TagUpdateFrame.Write(body, TagUpdateFrame.Add, "t"u8, "a"u8);
        TagUpdateFrame.Write(body, TagUpdateFrame.Remove, "t"u8, "a"u8);
        var reader = new TagUpdateFrame.Reader(TagUpdateFrame.Build(2, body.Written));
        Assert.True(reader.TryRead(out byte kind, out var tag, out var key));
        Assert.Equal((TagUpdateFrame.Add, "t", "a"), (kind, Encoding.UTF8.GetString(tag), Encoding.UTF8.GetString(key)));
        Assert.True(reader.TryRead(out kind, out _, out _));
        Assert.Equal(TagUpdateFrame.Remove, kind);
        Assert.False(reader.TryRead(out _, out _, out _));
    }

    [Fact]
    public void Removal_batches_never_exceed_the_batch_size_and_group_keys_by_silo()
    {
        var silos = new[] { Orleans.Runtime.SiloAddress.FromParsableString("127.0.0.1:11111@1"), Orleans.Runtime.SiloAddress.FromParsableString("127.0.0.1:11112@1") };
        var owners = Grid.Grains.Invalidation.ClusterSilos.OwnersByPartition(silos, 64);
        var keys = new CompactKeySet();
        for (int i = 0; i < 1000; i++)
        {
            keys.Add(Encoding.UTF8.GetBytes($"k{i}"));
        }

        var batches = new RemovalBatches(owners, 64, TagRemovalFrame.BlockOf("t"u8), 100);
        var cursor = default(CompactKeySet.Cursor);
        var frames = new List<(Orleans.Runtime.SiloAddress Silo, byte[] Frame)>();
        var sets = new TagSets();
        while (batches.Fill(keys, ref cursor, null, sets, "t"u8.ToArray()))
        {
            while (batches.TryTakeFull(out var silo, out var frame))
            {
                frames.Add((silo, frame));
            }
        }

        while (batches.TryTakeAny(out var silo, out var frame))
        {
            frames.Add((silo, frame));
        }

        int total = 0;
        foreach (var (silo, frame) in frames)
        {
            var reader = new OpFrameReader(frame);
            Assert.InRange(reader.Count, 1, 100);
            while (reader.TryRead(out var op, out _, out _))
            {
                int partition = Grid.Partitioning.PartitionHasher.GetPartition(op.Key, 64);
                Assert.Equal(owners[partition], silo);
                total++;
            }
        }

        Assert.Equal(1000, total);
    }
}
