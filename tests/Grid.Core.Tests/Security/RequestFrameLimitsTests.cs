using Grid.Grains.Security;
using Grid.Protocol;
using Grid.Protocol.Wire;
using Grid.Tests.Shared.Options;

namespace Grid.Core.Tests.Security;

public sealed class RequestFrameLimitsTests
{
    [Fact]
    public void A_frame_over_MaxRequestBytes_is_refused_whole_naming_the_limit()
    {
        var limits = new GridLimits { MaxValueBytes = 1024, MaxKeysPerCall = 10, MaxTagsPerEntry = 1, MaxKeyBytes = 64, MaxRequestBytes = 4096 };
        var ok = OpFrame.Encode([new GridOp { Code = OpCode.Set, Key = "k"u8.ToArray(), Value = new byte[1000] }]);
        RequestFrameLimits.Check(ok, limits);
        var big = OpFrame.Encode(Enumerable.Range(0, 5).Select(i => new GridOp { Code = OpCode.Set, Key = [(byte)('a' + i)], Value = new byte[1000] }).ToArray());
        var error = Assert.Throws<ArgumentException>(() => RequestFrameLimits.Check(big, limits));
        Assert.Contains("MaxRequestBytes (4096)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_with_more_operations_than_MaxKeysPerCall_is_refused_whole()
    {
        var limits = new GridLimits { MaxKeysPerCall = 3 };
        var frame = OpFrame.Encode(Enumerable.Range(0, 4).Select(i => new GridOp { Code = OpCode.Get, Key = [(byte)('a' + i)] }).ToArray());
        var error = Assert.Throws<ArgumentException>(() => RequestFrameLimits.Check(frame, limits));
        Assert.Contains("4 operations, more than MaxKeysPerCall (3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxRequestBytes_must_hold_the_largest_valid_operation()
    {
        var limits = new GridLimits();
        Assert.True(limits.MaxRequestBytes >= limits.LargestOperationBytes);
        string error = Assert.Single(SiloOptionsFailures.Of(new GridLimits { MaxRequestBytes = limits.MaxValueBytes }));
        Assert.StartsWith("Grid:Limits:MaxRequestBytes must be at least the largest valid operation", error, StringComparison.Ordinal);
        Assert.StartsWith("Grid:Limits:MaxConcurrentRequestsPerClient ", Assert.Single(SiloOptionsFailures.Of(new GridLimits { MaxConcurrentRequestsPerClient = 0 })), StringComparison.Ordinal);
        Assert.StartsWith("Grid:Limits:MaxQueuedRequestsPerClient ", Assert.Single(SiloOptionsFailures.Of(new GridLimits { MaxQueuedRequestsPerClient = -1 })), StringComparison.Ordinal);
        Assert.StartsWith("Grid:Limits:RequestQueueTimeout ", Assert.Single(SiloOptionsFailures.Of(new GridLimits { RequestQueueTimeout = TimeSpan.FromSeconds(-1) })), StringComparison.Ordinal);
        Assert.StartsWith("Grid:Limits:MaxConcurrentScans ", Assert.Single(SiloOptionsFailures.Of(new GridLimits { MaxConcurrentScans = 0 })), StringComparison.Ordinal);
    }
}
