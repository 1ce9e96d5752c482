using Grid.Client.GetOrSet;

namespace Grid.Client.Tests.GetOrSet;

public sealed class GetOrSetEnvelopeTests
{
    [Fact]
    public void A_fail_safe_header_round_trips_without_a_refresh_time()
    {
        var stored = GetOrSetEnvelope.Wrap([1, 2, 3], logicalExpiresAtMs: 1_700_000_000_000, refreshAtMs: 0);
        Assert.Equal(11 + 3, stored.Length);
        var payload = GetOrSetEnvelope.Unwrap(stored, out long expiry, out long refreshAt);
        Assert.Equal([1, 2, 3], payload.ToArray());
        Assert.Equal(1_700_000_000_000, expiry);
        Assert.Equal(0, refreshAt);
    }

    [Fact]
    public void A_refresh_ahead_header_round_trips_its_refresh_time()
    {
        var stored = GetOrSetEnvelope.Wrap([9], logicalExpiresAtMs: 2_000, refreshAtMs: 1_600);
        var payload = GetOrSetEnvelope.Unwrap(stored, out long expiry, out long refreshAt);
        Assert.Equal([9], payload.ToArray());
        Assert.Equal(2_000, expiry);
        Assert.Equal(1_600, refreshAt);
    }

    [Fact]
    public void Bytes_without_a_header_are_a_payload_that_never_goes_stale()
    {
        byte[] plain = [0xF5, (byte)'G', 2, 0];
        var payload = GetOrSetEnvelope.Unwrap(plain, out long expiry, out long refreshAt);
        Assert.Equal(plain, payload.ToArray());
        Assert.Equal(0, expiry);
        Assert.Equal(0, refreshAt);
    }

    [Fact]
    public void Refresh_ahead_options_are_validated()
    {
        var ttl = GridEntryOptions.WithTimeToLive(TimeSpan.FromMinutes(1));
        new GridGetOrSetOptions { RefreshAhead = 0.8, Entry = ttl }.Validate();
        new GridGetOrSetOptions { RefreshAhead = 0.5, Entry = new GridEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1) } }.Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridGetOrSetOptions { RefreshAhead = 0, Entry = ttl }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridGetOrSetOptions { RefreshAhead = 1, Entry = ttl }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridGetOrSetOptions { RefreshAhead = double.NaN, Entry = ttl }.Validate());
        var noTtl = Assert.Throws<ArgumentException>(() => new GridGetOrSetOptions { RefreshAhead = 0.8 }.Validate());
        Assert.Contains("Entry.TimeToLive", noTtl.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new GridGetOrSetOptions { RefreshAhead = 0.8, Entry = ttl with { SlidingExpiration = TimeSpan.FromSeconds(5) } }.Validate());
    }
}
