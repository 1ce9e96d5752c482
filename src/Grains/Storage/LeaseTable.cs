using Grid.Protocol;

namespace Grid.Grains.Storage;

/// <summary>
/// Short leases for a cluster-wide GetOrSet (one factory run per key): held beside the entries, not in them, by key
/// hash, and never migrated (a lease lost with a moving partition only lets a second factory run, never blocks one).
/// Used under the store's lock.
/// </summary>
internal sealed class LeaseTable
{
    // Above this many leases, an acquire first drops the expired ones.
    private const int PruneAbove = 10_000;

    private Dictionary<ulong, (byte[] Owner, long ExpiresAt)>? _leases;

    /// <summary>1 when <paramref name="owner"/> holds the lease now (taken, or renewed), 0 when another owner holds it.</summary>
    public GridResult Acquire(ulong hash, ReadOnlySpan<byte> owner, long now, long durationMs)
    {
        _leases ??= [];
        if (_leases.TryGetValue(hash, out var lease) && lease.ExpiresAt > now && !owner.SequenceEqual(lease.Owner))
        {
            return GridResult.OfNumber(0);
        }

        if (_leases.Count > PruneAbove)
        {
            Prune(now);
        }

        _leases[hash] = (owner.ToArray(), now + durationMs);
        return GridResult.OfNumber(1);
    }

    /// <summary>1 when <paramref name="owner"/> held the lease and gave it back.</summary>
    public GridResult Release(ulong hash, ReadOnlySpan<byte> owner)
    {
        if (_leases is null || !_leases.TryGetValue(hash, out var lease) || !owner.SequenceEqual(lease.Owner))
        {
            return GridResult.OfNumber(0);
        }

        _leases.Remove(hash);
        return GridResult.OfNumber(1);
    }

    private void Prune(long now)
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
