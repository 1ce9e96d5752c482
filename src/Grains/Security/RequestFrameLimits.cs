using Grid.Protocol.Wire;

namespace Grid.Grains.Security;

/// <summary>
/// The silo's whole-request checks, before any operation of a frame runs: at most <see cref="GridLimits.MaxRequestBytes"/>
/// bytes and <see cref="GridLimits.MaxKeysPerCall"/> operations. A frame over either is refused whole with an
/// <see cref="ArgumentException"/> naming the limit (a Grid client checks both before sending, so only a client that
/// bypasses it sees this).
/// </summary>
internal static class RequestFrameLimits
{
    public static void Check(byte[] frame, GridLimits limits)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Length > limits.MaxRequestBytes)
        {
            throw new ArgumentException($"The request is {frame.Length} bytes, more than MaxRequestBytes ({limits.MaxRequestBytes}); nothing of it ran.", nameof(frame));
        }

        int count = new OpFrameReader(frame).Count;
        if (count > limits.MaxKeysPerCall)
        {
            throw new ArgumentException($"The request carries {count} operations, more than MaxKeysPerCall ({limits.MaxKeysPerCall}); nothing of it ran.", nameof(frame));
        }
    }
}
