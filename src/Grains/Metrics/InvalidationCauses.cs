using Grid.Grains.Storage;

namespace Grid.Grains.Metrics;

/// <summary>Why clients' near-cache copies of a key were invalidated: the metric tag <c>cause</c>.</summary>
internal static class InvalidationCauses
{
    public static readonly string[] Names = ["written", "deleted", "expired", "evicted", "invalidated", "tracking_evicted"];

    public static int Count => Names.Length;

    public static int IndexOf(StoreChangeKind kind, RemovalCause cause) => kind switch
    {
        StoreChangeKind.Written => 0,
        StoreChangeKind.TrackingEvicted => 5,
        _ => cause switch
        {
            RemovalCause.Expired => 2,
            RemovalCause.Evicted => 3,
            RemovalCause.Invalidated => 4,
            _ => 1,
        },
    };
}
