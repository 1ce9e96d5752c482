using Grid.Protocol;

namespace Grid.Grains.Storage;

internal sealed partial class PartitionStore
{
    // Short leases (cluster-wide GetOrSet): held beside the entries, not in them, never migrated (a lease lost with a
    // moving partition only lets a second factory run, never blocks one).
    private Dictionary<ulong, (byte[] Owner, long ExpiresAt)>? _leases;

    private GridResult AcquireLease(ulong hash, ReadOnlySpan<byte> owner, long now, long durationMs)
    {
        _leases ??= [];
        if (_leases.TryGetValue(hash, out var lease) && lease.ExpiresAt > now && !owner.SequenceEqual(lease.Owner))
        {
            return GridResult.OfNumber(0);
        }

        if (_leases.Count > 10_000)
        {
            PruneLeases(now);
        }

        _leases[hash] = (owner.ToArray(), now + durationMs);
        return GridResult.OfNumber(1);
    }

    private GridResult ReleaseLease(ulong hash, ReadOnlySpan<byte> owner)
    {
        if (_leases is null || !_leases.TryGetValue(hash, out var lease) || !owner.SequenceEqual(lease.Owner))
        {
            return GridResult.OfNumber(0);
        }

        _leases.Remove(hash);
        return GridResult.OfNumber(1);
    }

    private void PruneLeases(long now)
    {
        foreach (var (hash, lease) in _leases!)
        {
            if (lease.ExpiresAt <= now)
            {
                _leases.Remove(hash);
            }
        }
    }
}
