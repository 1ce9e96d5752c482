using System.Runtime.CompilerServices;

namespace Grid.Client.NearCache;

/// <summary>
/// Keys the silos marked hot (<see cref="Grid.Protocol.GridResult.HotKey"/>), by near-cache hash: the near cache admits
/// them even when its re-read filter would not, and with <see cref="GridClientOptions.ReadHotKeysFromReplicas"/> their
/// reads go to the replica's silo. Silos mark only their top read keys, so a few hundred slots are plenty; a
/// direct-mapped table (a newer hint takes the slot of an older one with the same index) needs no lock and no allocation,
/// and a hint outlives the re-read filter's windows, which is the point: a key many clients read is hot on the silo
/// though each client reads it too seldom for its own filter to remember it.
/// </summary>
internal sealed class HotKeyHints
{
    private const int Slots = 512;

    // Each slot: the hash in the low 32 bits, and bit 32 set once the slot holds one (0 is a valid hash).
    private readonly long[] _slots = new long[Slots];

    /// <summary>Remembers the key with near-cache hash <paramref name="hash"/> as hot.</summary>
    public void Add(int hash) => Volatile.Write(ref _slots[Index(hash)], Entry(hash));

    /// <summary>Whether the key with near-cache hash <paramref name="hash"/> was marked hot (lately enough to keep its slot).</summary>
    public bool Contains(int hash) => Volatile.Read(ref _slots[Index(hash)]) == Entry(hash);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Entry(int hash) => (1L << 32) | (uint)hash;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> 23);
}
