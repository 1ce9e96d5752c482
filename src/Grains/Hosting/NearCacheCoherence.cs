namespace Grid.Grains.Hosting;

/// <summary>When a write that changes a key some clients hold in their near caches is acknowledged.</summary>
public enum NearCacheCoherence
{
    /// <summary>
    /// At once: the silo pushes the invalidations to the clients right after the change, so a client holding the old
    /// value may serve it for the push's flight time (milliseconds). The default, and the fastest.
    /// </summary>
    Eventual = 0,

    /// <summary>
    /// Only once every client that holds the key confirmed it dropped its copy, or was cut off (its lease with this silo
    /// lapsed, after which it serves nothing it read from here): a read after an acknowledged write, on any client, sees
    /// it. Writes to keys that clients hold cost a round trip to those clients; a client that does not confirm within the
    /// lease delays such writes by at most one lease.
    /// </summary>
    Strict = 1,
}
