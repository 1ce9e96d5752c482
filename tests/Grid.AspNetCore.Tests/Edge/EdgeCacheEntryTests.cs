using System.Text;
using Grid.AspNetCore.Edge;
using Microsoft.AspNetCore.Http;

namespace Grid.AspNetCore.Tests.Edge;

public sealed class EdgeCacheEntryTests
{
    [Fact]
    public void An_entry_round_trips_without_per_connection_headers_and_cookies()
    {
        var headers = new HeaderDictionary
        {
            ["Content-Type"] = "text/plain",
            ["ETag"] = "\"abc\"",
            ["Set-Cookie"] = "session=1",
            ["Date"] = "now",
            ["X-Multi"] = new(["one", "two"]),
        };
        var created = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var entry = new EdgeCacheEntry(created, 200, EdgeCacheEntry.StorableHeaders(headers), Encoding.UTF8.GetBytes("body"));

        var read = EdgeCacheEntry.TryDeserialize(entry.Serialize());

        Assert.NotNull(read);
        Assert.Equal(created, read.Created);
        Assert.Equal(200, read.StatusCode);
        Assert.Equal("body", Encoding.UTF8.GetString(read.Body.Span));
        Assert.Equal("\"abc\"", read.ETag);
        Assert.Equal(["Content-Type", "ETag", "X-Multi"], read.Headers.Select(h => h.Key).Order(StringComparer.Ordinal));
        Assert.Equal("one,two", string.Join(",", read.Headers.Single(h => h.Key == "X-Multi").Value));
    }

    [Fact]
    public void Damaged_entries_read_as_missing()
    {
        var bytes = new EdgeCacheEntry(DateTimeOffset.UtcNow, 200, [new("A", ["b"])], new byte[] { 1, 2, 3 }).Serialize();

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Null(EdgeCacheEntry.TryDeserialize(bytes[..length]));
        }

        Assert.Null(EdgeCacheEntry.TryDeserialize([.. bytes, 0]));
        Assert.Null(EdgeCacheEntry.TryDeserialize(Encoding.UTF8.GetBytes("an output-cache entry of another kind")));
    }
}
