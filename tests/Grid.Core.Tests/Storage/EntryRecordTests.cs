using System.Text;
using Grid.Grains.Storage;

namespace Grid.Core.Tests.Storage;

public sealed class EntryRecordTests
{
    private const long Now = 1_735_689_600_000; // 2025-01-01 in unix ms

    private static byte[] Make(string key, string value, EntryExpiry expiry, string[]? tags = null, GridValueType type = GridValueType.String)
    {
        var v = Encoding.UTF8.GetBytes(value);
        var r = EntryRecord.Create(type, Encoding.UTF8.GetBytes(key), expiry, EntryRecord.EncodeTags(tags), v.Length, Now, out int valueOffset);
        v.CopyTo(r.AsSpan(valueOffset));
        Assert.Equal(EntryRecord.ValueOffset(r), valueOffset);
        return r;
    }

    [Fact]
    public void Plain_record_round_trips_key_value_and_header()
    {
        var r = Make("user:1", "hello", EntryExpiry.None);
        Assert.Equal(GridValueType.String, EntryRecord.Type(r));
        Assert.False(EntryRecord.HasSliding(r));
        Assert.False(EntryRecord.HasTags(r));
        Assert.Equal(6, EntryRecord.KeyLength(r));
        Assert.Equal(EntryRecord.BaseHeaderSize, EntryRecord.KeyOffset(r));
        Assert.Equal("user:1"u8.ToArray(), EntryRecord.Key(r).ToArray());
        Assert.Equal("hello"u8.ToArray(), EntryRecord.Value(r).ToArray());
        Assert.Equal(unchecked((uint)Now), EntryRecord.Stamp(r));
        Assert.Equal(0, EntryRecord.ExpiresAt(r));
        Assert.Equal(0, EntryRecord.SlidingMs(r));
        Assert.Equal(0, EntryRecord.AbsoluteCap(r));
        Assert.Empty(EntryRecord.DecodeTags(r));
        Assert.True(EntryRecord.TagsBlock(r).IsEmpty);
        // 18-byte header (version included; no expiry field without a time to live) + key + value, nothing else; the header says so.
        Assert.False(EntryRecord.HasExpiryField(r));
        Assert.Equal(18 + 6 + 5, r.Length);
        Assert.Equal(r.Length, EntryRecord.Length(r));
    }

    [Fact]
    public void Record_with_tags_and_sliding_round_trips_every_field()
    {
        var expiry = new EntryExpiry(Now + 500, 1_000, Now + 5_000);
        var r = Make("k", "value", expiry, ["red", "grün", "x"], GridValueType.String);
        Assert.True(EntryRecord.HasSliding(r));
        Assert.True(EntryRecord.HasTags(r));
        Assert.Equal(EntryRecord.BaseHeaderSize + EntryRecord.ExpirySize + EntryRecord.SlidingSize, EntryRecord.KeyOffset(r));
        Assert.Equal("k"u8.ToArray(), EntryRecord.Key(r).ToArray());
        Assert.Equal(["red", "grün", "x"], EntryRecord.DecodeTags(r));
        Assert.Equal("value"u8.ToArray(), EntryRecord.Value(r).ToArray());
        Assert.Equal(expiry, EntryRecord.GetExpiry(r));
        Assert.Equal(1_000, EntryRecord.SlidingMs(r));
        Assert.Equal(Now + 5_000, EntryRecord.AbsoluteCap(r));
        int tagsBlock = 1 + (2 + 3) + (2 + 5) + (2 + 1);
        Assert.Equal(tagsBlock, EntryRecord.TagsBlock(r).Length);
        Assert.Equal(42 + 1 + tagsBlock + 5, r.Length);
        Assert.Equal(r.Length, EntryRecord.Length(r));
    }

    [Fact]
    public void Empty_value_and_long_key_round_trip()
    {
        string key = new('k', ushort.MaxValue);
        var r = Make(key, "", new EntryExpiry(Now + 1, 0, 0), ["t"]);
        Assert.Equal(ushort.MaxValue, EntryRecord.KeyLength(r));
        Assert.Equal(Encoding.UTF8.GetBytes(key), EntryRecord.Key(r).ToArray());
        Assert.True(EntryRecord.Value(r).IsEmpty);
        Assert.Equal(["t"], EntryRecord.DecodeTags(r));
    }

    [Fact]
    public void A_record_without_an_expiry_field_takes_only_zero_in_place()
    {
        var r = Make("k", "v", EntryExpiry.None);
        Assert.True(EntryRecord.CanSetExpiresAt(r, 0));
        Assert.False(EntryRecord.CanSetExpiresAt(r, Now));
        EntryRecord.SetExpiresAt(r, 0);
        Assert.Throws<InvalidOperationException>(() => EntryRecord.SetExpiresAt(r, Now));
        Assert.Equal(0, EntryRecord.ExpiresAt(r));
        Assert.Equal("v"u8.ToArray(), EntryRecord.Value(r).ToArray());
    }

    [Fact]
    public void Stamp_and_expiry_are_writable_in_place()
    {
        var r = Make("k", "v", new EntryExpiry(Now + 1, 0, 0));
        EntryRecord.SetStamp(r, 0xDEADBEEF);
        EntryRecord.SetExpiresAt(r, Now + 42);
        Assert.Equal(0xDEADBEEFu, EntryRecord.Stamp(r));
        Assert.Equal(Now + 42, EntryRecord.ExpiresAt(r));
        Assert.Equal("k"u8.ToArray(), EntryRecord.Key(r).ToArray());
        Assert.Equal("v"u8.ToArray(), EntryRecord.Value(r).ToArray());
    }

    [Fact]
    public void Expired_means_deadline_reached_and_zero_means_never()
    {
        var r = Make("k", "v", new EntryExpiry(Now + 10, 0, 0));
        Assert.False(EntryRecord.IsExpired(r, Now + 9));
        Assert.True(EntryRecord.IsExpired(r, Now + 10));
        Assert.False(EntryRecord.IsExpired(Make("k", "v", EntryExpiry.None), long.MaxValue));
    }

    [Fact]
    public void Expiry_from_ttl_only_is_an_absolute_deadline()
    {
        Assert.Equal(new EntryExpiry(Now + 1_000, 0, 0), EntryExpiry.From(Now, 1_000, 0));
        Assert.Equal(EntryExpiry.None, EntryExpiry.From(Now, 0, 0));
    }

    [Fact]
    public void Expiry_from_sliding_only_has_no_cap()
    {
        Assert.Equal(new EntryExpiry(Now + 300, 300, 0), EntryExpiry.From(Now, 0, 300));
    }

    [Fact]
    public void Expiry_from_ttl_and_sliding_starts_at_the_earlier_deadline()
    {
        Assert.Equal(new EntryExpiry(Now + 300, 300, Now + 1_000), EntryExpiry.From(Now, 1_000, 300));
        Assert.Equal(new EntryExpiry(Now + 200, 300, Now + 200), EntryExpiry.From(Now, 200, 300));
    }

    [Fact]
    public void Touch_updates_the_stamp_and_slides_the_deadline_up_to_the_cap()
    {
        var r = Make("k", "v", EntryExpiry.From(Now, 1_000, 300));
        EntryRecord.Touch(r, Now + 100);
        Assert.Equal(unchecked((uint)(Now + 100)), EntryRecord.Stamp(r));
        Assert.Equal(Now + 400, EntryRecord.ExpiresAt(r));
        EntryRecord.Touch(r, Now + 900);
        Assert.Equal(Now + 1_000, EntryRecord.ExpiresAt(r));
    }

    [Fact]
    public void Touch_leaves_a_fixed_deadline_alone()
    {
        var r = Make("k", "v", EntryExpiry.From(Now, 1_000, 0));
        EntryRecord.Touch(r, Now + 500);
        Assert.Equal(Now + 1_000, EntryRecord.ExpiresAt(r));
        Assert.Equal(unchecked((uint)(Now + 500)), EntryRecord.Stamp(r));
    }

    [Fact]
    public void WithExpiry_adds_the_sliding_part_keeping_key_tags_value_type_and_stamp()
    {
        var r = Make("key", "payload", EntryExpiry.From(Now, 1_000, 0), ["a", "b"], GridValueType.Counter);
        EntryRecord.SetStamp(r, 12345);
        var expiry = EntryExpiry.From(Now, 5_000, 700);
        var copy = EntryRecord.WithExpiry(r, expiry);
        Assert.True(EntryRecord.HasSliding(copy));
        Assert.Equal(r.Length + EntryRecord.SlidingSize, copy.Length);
        Assert.Equal(expiry, EntryRecord.GetExpiry(copy));
        AssertSameContent(r, copy);
        Assert.Equal(12345u, EntryRecord.Stamp(copy));
    }

    [Fact]
    public void WithExpiry_drops_the_sliding_part()
    {
        var r = Make("key", "payload", EntryExpiry.From(Now, 5_000, 700), ["a"]);
        var copy = EntryRecord.WithExpiry(r, EntryExpiry.None);
        Assert.False(EntryRecord.HasSliding(copy));
        Assert.Equal(r.Length - EntryRecord.SlidingSize - EntryRecord.ExpirySize, copy.Length);
        Assert.Equal(EntryExpiry.None, EntryRecord.GetExpiry(copy));
        AssertSameContent(r, copy);

        var absolute = EntryRecord.WithExpiry(r, new EntryExpiry(Now + 9, 0, 0));
        Assert.Equal(r.Length - EntryRecord.SlidingSize, absolute.Length);
        Assert.Equal(new EntryExpiry(Now + 9, 0, 0), EntryRecord.GetExpiry(absolute));
        AssertSameContent(r, absolute);
    }

    [Fact]
    public void Tags_encode_as_count_then_length_prefixed_utf8()
    {
        Assert.Empty(EntryRecord.EncodeTags(null));
        Assert.Empty(EntryRecord.EncodeTags([]));
        Assert.Equal(new byte[] { 2, 1, 0, (byte)'a', 2, 0, 0xC3, 0xA9 }, EntryRecord.EncodeTags(["a", "é"]));
    }

    [Fact]
    public void Heap_size_matches_a_64_bit_byte_array()
    {
        Assert.Equal(24, EntryRecord.HeapSize(0));
        Assert.Equal(32, EntryRecord.HeapSize(1));
        Assert.Equal(32, EntryRecord.HeapSize(8));
        Assert.Equal(40, EntryRecord.HeapSize(9));
        Assert.Equal(152, EntryRecord.HeapSize(127));
    }

    private static void AssertSameContent(byte[] expected, byte[] actual)
    {
        Assert.Equal(EntryRecord.Type(expected), EntryRecord.Type(actual));
        Assert.Equal(EntryRecord.Key(expected).ToArray(), EntryRecord.Key(actual).ToArray());
        Assert.Equal(EntryRecord.DecodeTags(expected), EntryRecord.DecodeTags(actual));
        Assert.Equal(EntryRecord.HasTags(expected), EntryRecord.HasTags(actual));
        Assert.Equal(EntryRecord.Value(expected).ToArray(), EntryRecord.Value(actual).ToArray());
    }
}
