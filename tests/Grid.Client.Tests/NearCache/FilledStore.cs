using System.Text;
using Grid.Client.NearCache;
using Grid.Client.Tests.Fakes;

namespace Grid.Client.Tests.NearCache;

/// <summary>A near-cache store filled to its entry bound with <c>held0</c>..<c>held(n-1)</c>, under a lease so its entries count.</summary>
internal static class FilledStore
{
    public static NearCacheStore Create(TimeProvider time, int capacity, NearCacheAdmission admission, bool followHotKeyHints = true)
    {
        var store = new NearCacheStore(8, capacity, 1 << 20, time, admission, followHotKeyHints);
        var silo = TestOps.Silo(1);
        store.RenewLease(silo, store.NowMs, 60_000);
        for (int i = 0; i < capacity; i++)
        {
            store.TrySet($"held{i}", Encoding.UTF8.GetBytes("v"), partition: i % 8, silo, epoch: 1, readSequence: 0, TimeSpan.FromMinutes(1));
        }

        return store;
    }
}
