using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Grid.Grains.Storage;

/// <summary>
/// Software prefetch hints: ask the CPU to start loading a cache line that code will read soon, without waiting for it.
/// A batch's lookups use them to overlap their cache misses (see <see cref="PartitionStore.Prefetch"/>). A hint never
/// faults and changes nothing, so an address that is stale (an array replaced meanwhile, an object the collector moved
/// after its address was taken) costs only a useless load. On a CPU without the instruction (not x86) they do nothing.
/// </summary>
internal static class CachePrefetch
{
    /// <summary>Starts loading the first cache line of <paramref name="instance"/> (its header and first fields).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object<T>(T? instance)
        where T : class
    {
        if (Sse.IsSupported && instance is not null)
        {
            // The reference's value is the object's address; reading it as a pointer pins nothing, which a hint does not need.
            Sse.Prefetch0(*(void**)Unsafe.AsPointer(ref instance));
        }
    }

    /// <summary>Starts loading the cache line of <paramref name="array"/>'s element <paramref name="index"/> (unchecked: a hint only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Element<T>(T[]? array, int index)
        where T : unmanaged
    {
        if (Sse.IsSupported && array is not null)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index)));
        }
    }
}
