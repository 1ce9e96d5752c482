using System.Security.Cryptography;
using System.Text;
using Grid.Grains.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Grid.Silo.Admin;

/// <summary>The protected part of the admin endpoint: every route but the health probes requires the admin token.</summary>
internal static partial class GridAdmin
{
    /// <summary>A small read-only description of the silo (no secrets).</summary>
    public const string InfoPath = "/admin/info";

    /// <summary>The cluster's rebalance status (JSON), as <c>grid rebalance status --json</c> prints it.</summary>
    public const string RebalancePath = "/admin/rebalance";

    private static readonly System.Text.Json.JsonSerializerOptions RebalanceJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>Registers the admin token scheme and the <see cref="AdminTokenAuthentication.PolicyName"/> policy.</summary>
    public static IServiceCollection AddGridAdminAuthentication(this IServiceCollection services, GridAdminOptions options)
    {
        string? token = options.EffectiveToken();

        // Not AddAuthentication(): it also adds ASP.NET Core Data Protection, whose key ring the host creates at start
        // (warning that its keys are stored unencrypted) though nothing here protects data: the bearer token is compared
        // as a hash, and the sign-in cookie holds the token's hash. These are the parts the token scheme needs.
        services.AddAuthenticationCore(o => o.DefaultScheme = AdminTokenAuthentication.SchemeName);
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        new AuthenticationBuilder(services)
            .AddScheme<AdminTokenOptions, AdminTokenAuthentication>(AdminTokenAuthentication.SchemeName, o =>
                o.TokenHash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        services.AddAuthorizationBuilder().AddPolicy(AdminTokenAuthentication.PolicyName, policy => policy
            .AddAuthenticationSchemes(AdminTokenAuthentication.SchemeName)
            .RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// A route group that requires the admin token (an authorization policy, so it covers every kind of endpoint mapped
    /// into it, the dashboard's included). Map every admin route except the health probes into it.
    /// </summary>
    public static RouteGroupBuilder MapGridAdminRoutes(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("").RequireAuthorization(AdminTokenAuthentication.PolicyName);

    /// <summary>Read-only: steering (pause, throttle) is left to the CLI, so no cookie-signed-in page can change the cluster.</summary>
    private static void MapRebalance(RouteGroupBuilder admin) =>
        admin.MapGet(RebalancePath, async (IGrainFactory grains, ILocalSiloDetails silo, CancellationToken cancellationToken) =>
            Results.Json(
                await grains.GetGrain<Grid.Protocol.ISiloEntryGrain>(Grid.Grains.Invalidation.ClusterSilos.GrainKey(silo.SiloAddress)).GetRebalanceStatus().WaitAsync(cancellationToken),
                RebalanceJson));

    private static void MapInfo(RouteGroupBuilder admin) =>
        admin.MapGet(InfoPath, (ILocalSiloDetails silo, IClusterMembershipService membership, IOptions<GridSiloOptions> grid, IOptions<ClusterOptions> cluster) =>
        {
            var options = grid.Value;
            return Results.Json(new
            {
                silo = silo.SiloAddress.ToParsableString(),
                name = silo.Name,
                status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress).ToString(),
                clusterId = cluster.Value.ClusterId,
                serviceId = cluster.Value.ServiceId,
                partitionCount = options.PartitionCount,
                tls = options.Tls.Enabled,
                clientCertificateMode = options.Tls.ClientCertificateMode.ToString(),
                limits = options.Limits,
                silos = membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active),
            });
        });
}
