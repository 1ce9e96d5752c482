using System.Text;
using Grid.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Hybrid;

/// <summary>
/// The reader against what Microsoft.Extensions.Caching.Hybrid really writes to its L2 (no grid needed), and against
/// hand-made and damaged payloads: anything it does not fully recognise has no tags.
/// </summary>
public sealed class HybridCachePayloadReaderTests
{
    private static (HybridCache Cache, RecordingDistributedCache L2) NewHybridCache()
    {
        var l2 = new RecordingDistributedCache();
        var services = new ServiceCollection().AddSingleton<IDistributedCache>(l2);
        services.AddHybridCache();
        return (services.BuildServiceProvider().GetRequiredService<HybridCache>(), l2);
    }

    [Fact]
    public async Task The_tags_of_a_real_HybridCache_entry_are_read()
    {
        var (cache, l2) = NewHybridCache();
        await cache.SetAsync("product:42", "Keyboard", tags: ["products", "product:42", "käse"]);

        var (key, value) = Assert.Single(l2.Writes);
        Assert.Equal("product:42", key);
        Assert.True(HybridCachePayloadReader.TryReadTags(key, value, out var tags));
        Assert.Equal(["käse", "product:42", "products"], tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_real_HybridCache_entry_without_tags_reads_as_no_tags()
    {
        var (cache, l2) = NewHybridCache();
        await cache.SetAsync("plain", "value");

        var (key, value) = Assert.Single(l2.Writes);
        Assert.True(HybridCachePayloadReader.TryReadTags(key, value, out var tags));
        Assert.Empty(tags);
    }

    [Fact]
    public async Task RemoveByTag_writes_the_reserved_key_the_reader_expects()
    {
        // Pins the prefix to the package: if HybridCache ever renames its tag-invalidation keys, this fails.
        var (cache, l2) = NewHybridCache();
        await cache.RemoveByTagAsync("products");

        var (key, value) = Assert.Single(l2.Writes);
        Assert.Equal(HybridCachePayloadReader.TagInvalidationKeyPrefix + "products", key);
        Assert.Equal(8, value.Length);
        Assert.True(HybridCachePayloadReader.TryReadTagInvalidation(key, value, out var tag));
        Assert.Equal("products", tag);
    }

    [Fact]
    public async Task RemoveByTag_of_the_wildcard_is_recognised()
    {
        var (cache, l2) = NewHybridCache();
        await cache.RemoveByTagAsync("*");

        var (key, value) = Assert.Single(l2.Writes);
        Assert.True(HybridCachePayloadReader.TryReadTagInvalidation(key, value, out var tag));
        Assert.Equal(HybridCachePayloadReader.WildcardTag, tag);
    }

    [Fact]
    public void A_version_2_payload_with_a_local_size_is_read()
    {
        var value = Payload(version: 2, key: "k", tags: ["a", "b"], localSize: 1234);
        Assert.True(HybridCachePayloadReader.TryReadTags("k", value, out var tags));
        Assert.Equal(["a", "b"], tags);
    }

    [Fact]
    public void A_version_1_payload_made_by_hand_is_read()
    {
        var value = Payload(version: 1, key: "k", tags: ["only"]);
        Assert.True(HybridCachePayloadReader.TryReadTags("k", value, out var tags));
        Assert.Equal(["only"], tags);
    }

    [Fact]
    public void Every_truncation_of_a_payload_is_refused()
    {
        var value = Payload(version: 1, key: "key", tags: ["tag1", "tag2"]);
        for (int length = 0; length < value.Length; length++)
        {
            Assert.False(HybridCachePayloadReader.TryReadTags("key", value.AsSpan(0, length), out var tags), $"length {length}");
            Assert.Empty(tags);
        }
    }

    [Theory]
    [InlineData("unknown version")]
    [InlineData("other sentinel")]
    [InlineData("another key inside")]
    [InlineData("a byte left over")]
    [InlineData("trailing sentinel damaged")]
    [InlineData("unknown flag")]
    [InlineData("bad UTF-8 in a tag")]
    [InlineData("empty tag")]
    public void Damaged_or_foreign_payloads_have_no_tags(string damage)
    {
        var value = damage switch
        {
            "unknown version" => Change(Payload(1, "k", ["t"]), 1, 0x09),
            "other sentinel" => Change(Payload(1, "k", ["t"]), 0, 0x04),
            "another key inside" => Payload(1, "other", ["t"]),
            "a byte left over" => [.. Payload(1, "k", ["t"]), 0],
            "trailing sentinel damaged" => Change(Payload(1, "k", ["t"]), ^1, 0x07),
            "unknown flag" => Payload(1, "k", ["t"], flags: 4),
            "bad UTF-8 in a tag" => Payload(1, "k", ["t"], rawTag: [0xC3, 0x28]),
            "empty tag" => Payload(1, "k", [""]),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };

        Assert.False(HybridCachePayloadReader.TryReadTags("k", value, out var tags));
        Assert.Empty(tags);
    }

    [Fact]
    public void Ordinary_values_and_short_tag_keys_are_not_tag_invalidations()
    {
        Assert.False(HybridCachePayloadReader.TryReadTags("k", Encoding.UTF8.GetBytes("just some text, long enough"), out _));
        Assert.False(HybridCachePayloadReader.TryReadTagInvalidation("__MSFT_HCT__products", new byte[7], out _));
        Assert.False(HybridCachePayloadReader.TryReadTagInvalidation("__MSFT_HCT__", new byte[8], out _));
        Assert.False(HybridCachePayloadReader.TryReadTagInvalidation("products", new byte[8], out _));
    }

    private static byte[] Change(byte[] value, Index at, byte to)
    {
        value[at] = to;
        return value;
    }

    /// <summary>A payload laid out as HybridCachePayload documents it.</summary>
    private static byte[] Payload(byte version, string key, string[] tags, long? localSize = null, ulong? flags = null, byte[]? rawTag = null)
    {
        var bytes = new List<byte> { 0x03, version, 0x12, 0x34 };
        bytes.AddRange(BitConverter.GetBytes(DateTime.UtcNow.Ticks));
        byte[] payload = Encoding.UTF8.GetBytes("\"value\"");
        Varint(bytes, flags ?? (localSize is null ? 0UL : 1UL));
        Varint(bytes, (ulong)payload.Length);
        Varint(bytes, (ulong)TimeSpan.FromMinutes(5).Ticks);
        if (localSize is { } size)
        {
            Varint(bytes, (ulong)size);
        }

        Varint(bytes, (ulong)tags.Length);
        Text(bytes, Encoding.UTF8.GetBytes(key));
        foreach (var tag in tags)
        {
            Text(bytes, rawTag ?? Encoding.UTF8.GetBytes(tag));
        }

        bytes.AddRange(payload);
        bytes.Add(0x03);
        bytes.Add(version);
        return [.. bytes];

        static void Text(List<byte> bytes, byte[] text)
        {
            Varint(bytes, (ulong)text.Length);
            bytes.AddRange(text);
        }

        static void Varint(List<byte> bytes, ulong value)
        {
            while (value > 0x7F)
            {
                bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            bytes.Add((byte)value);
        }
    }
}
