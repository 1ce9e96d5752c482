using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Grid.Partitioning;

/// <summary>
/// Rendezvous (highest random weight) assignment of partitions to silos. Clients and the silos' placement use the same
/// function, so a client can route a partition to the silo that will hold it before it has asked anyone; when a silo
/// joins or leaves, only the partitions whose winner changed move.
/// </summary>
public static class PartitionOwnership
{
    /// <summary>The weight of a silo (given by its identity string) for a partition; the highest weight owns it.</summary>
    public static ulong Weight(ulong siloSeed, int partition)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, partition);
        return XxHash3.HashToUInt64(buffer, unchecked((long)siloSeed));
    }

    /// <summary>The seed of a silo identity (its parsable address string).</summary>
    public static ulong SiloSeed(string siloIdentity) => XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(siloIdentity));

    /// <summary>Returns the index in <paramref name="siloSeeds"/> of the owner of <paramref name="partition"/>, or -1 when there is no silo.</summary>
    public static int Owner(ReadOnlySpan<ulong> siloSeeds, int partition)
    {
        int best = -1;
        ulong bestWeight = 0;
        for (int i = 0; i < siloSeeds.Length; i++)
        {
            ulong w = Weight(siloSeeds[i], partition);
            if (best < 0 || w > bestWeight)
            {
                best = i;
                bestWeight = w;
            }
        }

        return best;
    }
}
