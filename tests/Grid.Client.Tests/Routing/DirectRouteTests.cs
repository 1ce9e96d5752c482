using Grid.Client.Routing;
using Grid.Client.Tests.Fakes;

namespace Grid.Client.Tests.Routing;

/// <summary><see cref="DirectRoute"/>: when a silo's batches may go to its gateway directly.</summary>
public sealed class DirectRouteTests
{
    private const long Now = 1_000_000;

    [Fact]
    public void A_gateway_listed_long_enough_is_usable()
    {
        var route = new DirectRoute(TestOps.Silo(1), listed: true, listedSince: Now - DirectRoute.DefaultListedFor);

        Assert.True(route.IsUsable(Now));
    }

    [Fact]
    public void A_gateway_listed_just_now_waits_until_the_clients_runtime_surely_knows_it()
    {
        var route = new DirectRoute(TestOps.Silo(1), listed: true, listedSince: Now);

        Assert.False(route.IsUsable(Now));
        Assert.False(route.IsUsable(Now + DirectRoute.DefaultListedFor - 1));
        Assert.True(route.IsUsable(Now + DirectRoute.DefaultListedFor));
    }

    [Fact]
    public void An_unlisted_gateway_is_not_usable_and_waits_again_once_listed()
    {
        var route = new DirectRoute(TestOps.Silo(1), listed: true, listedSince: Now - DirectRoute.DefaultListedFor);

        route.Seen(listed: false, Now);
        Assert.False(route.IsUsable(Now));

        route.Seen(listed: true, Now + 500);
        Assert.False(route.IsUsable(Now + 500 + DirectRoute.DefaultListedFor - 1));
        Assert.True(route.IsUsable(Now + 500 + DirectRoute.DefaultListedFor));
    }

    [Fact]
    public void A_refused_direct_call_pauses_the_route()
    {
        var route = new DirectRoute(TestOps.Silo(1), listed: true, listedSince: Now - DirectRoute.DefaultListedFor);

        route.Failed(Now);

        Assert.False(route.IsUsable(Now + DirectRoute.FailedPause - 1));
        Assert.True(route.IsUsable(Now + DirectRoute.FailedPause));
    }
}
